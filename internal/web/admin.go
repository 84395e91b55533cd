package web

import (
	"errors"
	"net/http"

	"radsup/internal/domain"
	"radsup/internal/i18n"
)

// roles lists the account roles for the add-user form.
var roles = &domain.Enum{Name: "role", Options: []domain.Option{
	{Key: domain.RoleSupervisor, ZH: "监督员", EN: "Supervisor"},
	{Key: domain.RoleInstitution, ZH: "机构用户", EN: "Institution user"},
	{Key: domain.RoleViewer, ZH: "只读用户", EN: "Viewer"},
	{Key: domain.RoleAdmin, ZH: "系统管理员", EN: "System administrator"},
	{Key: domain.RoleSecurity, ZH: "安全管理员", EN: "Security administrator"},
	{Key: domain.RoleAuditor, ZH: "审计管理员", EN: "Audit administrator"},
}}

// userFields are the inputs of the add-user form.
var userFields = []domain.Field{
	{Key: "username", ZH: "用户名", EN: "Username", Type: domain.Text, Required: true},
	{Key: "display_name", ZH: "姓名", EN: "Display name", Type: domain.Text},
	{Key: "role", ZH: "角色", EN: "Role", Type: domain.EnumField, Enum: roles, Required: true},
	{Key: "institution_id", ZH: "所属机构（机构用户必选）", EN: "Institution (institution users)", Type: domain.RefField},
	{Key: "password", ZH: "初始密码", EN: "Initial password", Type: domain.Text, Required: true},
}

// userForm receives the add-user form through domain.Assign.
type userForm struct {
	Username      string `json:"username"`
	DisplayName   string `json:"display_name"`
	Role          string `json:"role"`
	InstitutionID int64  `json:"institution_id"`
	Password      string `json:"password"`
}

// usersPage is the data of the user administration page.
type usersPage struct {
	base
	RoleOptions []string
	Users       []userRow
	Form        formSection
	Message     string
	Done        string
}

type userRow struct {
	*domain.User
	Institution string
	Locked      bool
}

// handleUsers lists the accounts with the add-user form.
func (s *Server) handleUsers(w http.ResponseWriter, r *http.Request) error {
	var done string
	if d := r.URL.Query().Get("done"); d != "" && i18n.Has("users."+d+"_done") {
		done = i18n.T(s.lang(r), "users."+d+"_done")
	}
	return s.renderUsers(w, r, http.StatusOK, newFormState(map[string]string{"role": domain.RoleSupervisor}), "", done)
}

// renderUsers shows the user page with the add-user form in state st.
func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, status int, st formState, msg, done string) error {
	ctx, lang := r.Context(), s.lang(r)
	users, err := s.cfg.Auth.Users(ctx, userOf(r))
	if err != nil {
		return err
	}
	ids := make([]int64, len(users))
	for i, x := range users {
		ids[i] = x.InstitutionID
	}
	names, err := s.institutionNames(ctx, userOf(r), ids)
	if err != nil {
		return err
	}
	ref, err := s.refInput(ctx, userOf(r), lang, st.Values["institution_id"])
	if err != nil {
		return err
	}
	st.Values["password"] = "" // never sent back
	p := usersPage{base: s.base(r, "users", i18n.T(lang, "nav.users")), Message: msg, Done: done, RoleOptions: domain.AllRoles,
		Form: formSection{Fields: buildFields(lang, userFields, st, ref)}}
	p.Form.Fields[len(p.Form.Fields)-1].Input = "password"
	for _, x := range users {
		p.Users = append(p.Users, userRow{x, names[x.InstitutionID], s.cfg.Auth.Locked(x)})
	}
	return s.render(w, r, status, "users", p)
}

// handleUserCreate adds an account.
func (s *Server) handleUserCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	var uf userForm
	st := newFormState(nil)
	readFields(r.PostForm, &uf, userFields, &st, s.resolver(r))
	uf.Password = r.PostForm.Get("password") // as typed: spaces are part of a password
	if uf.Username == "" {
		st.Errors.Add("username", domain.CodeRequired)
	}
	if uf.Role == "" || !roles.Has(uf.Role) {
		st.Errors.Add("role", domain.CodeEnum)
	}
	if len(st.Errors) > 0 {
		return s.renderUsers(w, r, http.StatusUnprocessableEntity, st, i18n.T(s.lang(r), "error.invalid"), "")
	}
	nu := &domain.User{Username: uf.Username, DisplayName: uf.DisplayName, Role: uf.Role, InstitutionID: uf.InstitutionID}
	err := s.cfg.Auth.AddUser(r.Context(), actorOf(r), userOf(r), nu, uf.Password)
	var de *domain.Error
	switch {
	case err == nil:
		http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
		return nil
	case !errors.As(err, &de):
		return err
	case de.Code == domain.ECONFLICT:
		st.Errors.Add("username", "username_taken")
		return s.renderUsers(w, r, http.StatusConflict, st, i18n.T(s.lang(r), "error.invalid"), "")
	case de.Code == domain.EINVALID:
		for k, v := range de.Fields {
			st.Errors.Add(k, v)
		}
		if de.Message == "error.role_institution" {
			st.Errors.Add("institution_id", "role_institution")
		}
		return s.renderUsers(w, r, http.StatusUnprocessableEntity, st, i18n.T(s.lang(r), "error.invalid"), "")
	}
	return err
}

// handleUserPassword sets a new password for an account (and ends its sessions).
func (s *Server) handleUserPassword(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	target, err := s.cfg.Auth.User(r.Context(), userOf(r), id)
	if err != nil {
		return err
	}
	err = s.cfg.Auth.SetPassword(r.Context(), actorOf(r), userOf(r), target.Username, r.PostForm.Get("password"))
	var de *domain.Error
	if errors.As(err, &de) && de.Code == domain.EINVALID {
		lang := s.lang(r)
		msg := i18n.T(lang, "users.password_failed", target.Username) + fieldMessage(lang, "password", de.Fields["password"])
		return s.renderUsers(w, r, http.StatusUnprocessableEntity, newFormState(map[string]string{"role": domain.RoleSupervisor}), msg, "")
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/users?done=password", http.StatusSeeOther)
	return nil
}

// targetUser reads the account named by the path.
func (s *Server) targetUser(r *http.Request) (*domain.User, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	return s.cfg.Auth.User(r.Context(), userOf(r), id)
}

// handleUserAccess changes an account's role and whether it is disabled;
// the account's sessions end. An administrator cannot change their own.
func (s *Server) handleUserAccess(w http.ResponseWriter, r *http.Request) error {
	target, err := s.targetUser(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	role := r.PostForm.Get("role")
	if !roles.Has(role) {
		return errBadRequest
	}
	err = s.cfg.Auth.SetAccess(r.Context(), actorOf(r), userOf(r), target.ID, role, r.PostForm.Get("disabled") == "true")
	if de, ok := errors.AsType[*domain.Error](err); ok && de.Code == domain.EINVALID {
		lang := s.lang(r)
		msg := i18n.T(lang, "users.access_failed", target.Username) + fieldMessage(lang, "institution_id", "role_institution")
		return s.renderUsers(w, r, http.StatusUnprocessableEntity, newFormState(map[string]string{"role": domain.RoleSupervisor}), msg, "")
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/users?done=access", http.StatusSeeOther)
	return nil
}

// handleUserUnlock lifts a lockout.
func (s *Server) handleUserUnlock(w http.ResponseWriter, r *http.Request) error {
	target, err := s.targetUser(r)
	if err != nil {
		return err
	}
	if err := s.cfg.Auth.Unlock(r.Context(), actorOf(r), userOf(r), target.ID); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/users?done=unlock", http.StatusSeeOther)
	return nil
}

// handleUserTOTPReset removes an account's second factor (a lost phone).
func (s *Server) handleUserTOTPReset(w http.ResponseWriter, r *http.Request) error {
	target, err := s.targetUser(r)
	if err != nil {
		return err
	}
	if err := s.cfg.Auth.ResetTOTP(r.Context(), actorOf(r), userOf(r), target.ID); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/users?done=totp", http.StatusSeeOther)
	return nil
}
