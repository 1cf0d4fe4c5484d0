package session_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"

	"github.com/bulwarkhq/bulwark/session"
)

func ExampleManager() {
	env := map[string]string{ // os.Getenv in a real service
		"SESSION_SECRET_KEY":          "a-new-secret-of-at-least-32-bytes!!",
		"SESSION_SECRET_KEY_PREVIOUS": "the-old-secret-still-opens-cookies",
	}
	ring, err := session.KeyringFromEnv(func(k string) string { return env[k] })
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	dir, _ := os.MkdirTemp("", "sessions")
	defer os.RemoveAll(dir)
	store, err := session.OpenBoltStore(filepath.Join(dir, "sessions.db"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	defer store.Close()
	m, err := session.NewManager(ring, store, session.Config{Secure: true})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}

	w := httptest.NewRecorder()
	s, err := m.Start(w, httptest.NewRequest("POST", "/api/auth/login", nil), "alice")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	c := w.Result().Cookies()[0]
	fmt.Println(c.Name, c.HttpOnly, c.Secure, c.SameSite == http.SameSiteLaxMode)

	next := httptest.NewRequest("GET", "/", nil)
	next.AddCookie(c)
	loaded, err := m.Load(next)
	fmt.Println(loaded.User, loaded.ID == s.ID, err)

	m.End(httptest.NewRecorder(), next, loaded)
	_, err = m.Load(next)
	fmt.Println(err)
	// Output:
	// __Host-bulwark_session true true true
	// alice true <nil>
	// session: no session: revoked or unknown to the store
}
