package web

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"radsup/internal/domain"
	"radsup/internal/i18n"
)

// tokensPage is the data of the API token page.
type tokensPage struct {
	base
	Tokens   []*domain.APIToken
	NewToken string // shown once, right after it is made
	Name     string
	Error    string
}

// handleTokens lists the user's own API tokens.
func (s *Server) handleTokens(w http.ResponseWriter, r *http.Request) error {
	return s.renderTokens(w, r, http.StatusOK, tokensPage{})
}

func (s *Server) renderTokens(w http.ResponseWriter, r *http.Request, status int, p tokensPage) error {
	p.base = s.base(r, "account", i18n.T(s.lang(r), "tokens.title"))
	var err error
	if p.Tokens, err = s.cfg.Auth.Tokens(r.Context(), userOf(r)); err != nil {
		return err
	}
	return s.render(w, r, status, "tokens", p)
}

// handleTokenCreate makes a token and shows it once; only its hash is kept.
func (s *Server) handleTokenCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	name := domain.Clean(r.PostForm.Get("name"))
	lang := s.lang(r)
	if name == "" || utf8.RuneCountInString(name) > 50 || domain.HasControl(name) {
		code := domain.CodeRequired
		switch {
		case domain.HasControl(name):
			code = domain.CodeControl
		case name != "":
			code = domain.CodeTooLong
		}
		return s.renderTokens(w, r, http.StatusUnprocessableEntity, tokensPage{Name: r.PostForm.Get("name"), Error: fieldMessage(lang, "name", code)})
	}
	token, _, err := s.cfg.Auth.CreateToken(r.Context(), actorOf(r), userOf(r), name)
	if err != nil {
		return err
	}
	return s.renderTokens(w, r, http.StatusOK, tokensPage{NewToken: token, Name: strings.TrimSpace(name)})
}

// handleTokenRevoke revokes one of the user's own tokens.
func (s *Server) handleTokenRevoke(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.cfg.Auth.RevokeToken(r.Context(), actorOf(r), userOf(r), id); err != nil {
		return err
	}
	http.Redirect(w, r, "/account/tokens", http.StatusSeeOther)
	return nil
}
