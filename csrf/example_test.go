package csrf_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"

	"github.com/bulwarkhq/bulwark/csrf"
	"github.com/bulwarkhq/bulwark/session"
)

// newApp wires both CSRF layers around a session manager the way an
// embedding service would: origins first (it needs no session), then the
// session, then the token layer. Login is exempt from the token layer only,
// since there is no session yet to bind a token to.
func newApp(secret []byte) (http.Handler, error) {
	ring, err := session.NewKeyring(secret)
	if err != nil {
		return nil, err
	}
	sessions, err := session.NewManager(ring, session.NewMemoryStore(), session.Config{})
	if err != nil {
		return nil, err
	}
	origins, err := csrf.NewOrigins([]string{"https://admin.example.com"})
	if err != nil {
		return nil, err
	}
	tokens := csrf.New(ring.CSRFKeys(), session.IDFromRequest)

	api := http.NewServeMux()
	api.HandleFunc("POST /api/chat", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, `{"reply":"hello"}`)
	})
	api.HandleFunc("GET /api/auth/csrf", func(w http.ResponseWriter, r *http.Request) {
		tok, err := tokens.TokenFor(r)
		if err != nil {
			http.Error(w, `{"error":"not logged in"}`, http.StatusUnauthorized)
			return
		}
		json.NewEncoder(w).Encode(map[string]string{"csrf_token": tok})
	})
	api.HandleFunc("POST /api/auth/logout", func(w http.ResponseWriter, r *http.Request) {
		s, _ := session.FromContext(r.Context())
		if err := sessions.End(w, r, s); err != nil {
			http.Error(w, `{"error":"try again"}`, http.StatusServiceUnavailable)
		}
	})

	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/auth/login", func(w http.ResponseWriter, r *http.Request) {
		// A real service checks the password here.
		s, err := sessions.Start(w, r, r.FormValue("username"))
		if err != nil {
			http.Error(w, `{"error":"try again"}`, http.StatusServiceUnavailable)
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"success": true, "csrf_token": tokens.Token(s.ID)})
	})
	mux.Handle("/", tokens.Handler(api))
	return origins.Handler(sessions.Handler(mux)), nil
}

func Example() {
	app, err := newApp([]byte(strings.Repeat("k", 32))) // use SESSION_SECRET_KEY
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	do := func(method, path, cookie, token string, header ...string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, path, strings.NewReader("username=alice"))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Header.Set("Cookie", cookie)
		r.Header.Set("X-CSRF-Token", token)
		for i := 0; i+1 < len(header); i += 2 {
			r.Header.Set(header[i], header[i+1])
		}
		w := httptest.NewRecorder()
		app.ServeHTTP(w, r)
		return w
	}

	login := do("POST", "/api/auth/login", "", "")
	c := login.Result().Cookies()[0]
	cookie := c.Name + "=" + c.Value
	var body struct {
		CSRFToken string `json:"csrf_token"`
	}
	json.NewDecoder(login.Body).Decode(&body)

	fmt.Println("with token:", do("POST", "/api/chat", cookie, body.CSRFToken).Code)
	fmt.Println("without token:", do("POST", "/api/chat", cookie, "").Code)
	fmt.Println("cross-site with token:", do("POST", "/api/chat", cookie, body.CSRFToken,
		"Sec-Fetch-Site", "cross-site").Code)
	fmt.Println("logout:", do("POST", "/api/auth/logout", cookie, body.CSRFToken).Code)
	fmt.Println("after logout:", do("POST", "/api/chat", cookie, body.CSRFToken).Code)
	// Output:
	// with token: 200
	// without token: 403
	// cross-site with token: 403
	// logout: 200
	// after logout: 403
}
