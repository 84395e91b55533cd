package web

import (
	"errors"
	"io"
	"net/http"
	"strconv"

	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/i18n"
	"radsup/internal/registry"
)

// filesPage lists the files kept with one record, with the upload form for
// those who may change it.
type filesPage struct {
	base
	Entity   string
	RecordID int64
	Files    []domain.Attachment
	Error    string
}

// fileTarget reads /files/{entity}/{id}.
func fileTarget(r *http.Request) (string, int64, error) {
	entity := r.PathValue("entity")
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if !registry.Attachable[entity] || err != nil || id < 1 {
		return "", 0, errNotFound
	}
	return entity, id, nil
}

func (s *Server) renderFiles(w http.ResponseWriter, r *http.Request, status int, entity string, id int64, msg string) error {
	fs, err := s.cfg.Registry.Files(r.Context(), userOf(r), entity, id)
	if err != nil {
		return err
	}
	lang := s.lang(r)
	p := filesPage{base: s.base(r, "", i18n.T(lang, "audit.entity."+entity)+" · "+i18n.T(lang, "change.attachments")),
		Entity: entity, RecordID: id, Files: fs, Error: msg}
	return s.render(w, r, status, "files", p)
}

// handleFiles shows the files of a record.
func (s *Server) handleFiles(w http.ResponseWriter, r *http.Request) error {
	entity, id, err := fileTarget(r)
	if err != nil {
		return err
	}
	return s.renderFiles(w, r, http.StatusOK, entity, id, "")
}

// handleFileUpload keeps an uploaded file with a record. The body is
// bounded before the multipart form is parsed.
func (s *Server) handleFileUpload(w http.ResponseWriter, r *http.Request) error {
	entity, id, err := fileTarget(r)
	if err != nil {
		return err
	}
	lang := s.lang(r)
	r.Body = http.MaxBytesReader(w, r.Body, domain.MaxAttachment+64<<10)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return s.renderFiles(w, r, http.StatusRequestEntityTooLarge, entity, id, i18n.T(lang, "change.error.file_too_large", "10 MiB"))
		}
		return s.renderFiles(w, r, http.StatusUnprocessableEntity, entity, id, i18n.T(lang, "change.error.file_empty"))
	}
	defer r.MultipartForm.RemoveAll()
	f, fh, err := r.FormFile("file")
	if err != nil {
		return s.renderFiles(w, r, http.StatusUnprocessableEntity, entity, id, i18n.T(lang, "change.error.file_empty"))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, domain.MaxAttachment+1))
	if err != nil {
		return errBadRequest
	}
	if _, err := s.cfg.Registry.Attach(r.Context(), actorOf(r), userOf(r), entity, id, registry.Upload{Name: fh.Filename, Data: data}); err != nil {
		var de *domain.Error
		if !errors.As(err, &de) || de.Code != domain.EINVALID {
			return err
		}
		return s.renderFiles(w, r, http.StatusUnprocessableEntity, entity, id, errorText(lang, de))
	}
	http.Redirect(w, r, "/files/"+entity+"/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}

// fileRoutes registers the pages of records' files.
func (s *Server) fileRoutes(mux *http.ServeMux) {
	s.page(mux, "GET /files/{entity}/{id}", auth.Readers, s.handleFiles)
	s.page(mux, "POST /files/{entity}/{id}", auth.Filers, s.handleFileUpload)
}
