package session

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Defaults for the zero fields of [Config].
const (
	DefaultCookieName      = "bulwark_session"
	DefaultIdleTimeout     = 30 * time.Minute
	DefaultAbsoluteTimeout = 12 * time.Hour
	DefaultRefreshAfter    = time.Minute
)

// hostPrefix is the cookie name prefix that makes browsers insist on
// Secure, Path=/ and no Domain attribute.
const hostPrefix = "__Host-"

// maxCookiesTried bounds how many same-named cookies Load tries to open.
const maxCookiesTried = 3

// Config holds the settings of a [Manager]. The zero value gives the
// defaults listed on each field.
type Config struct {
	// CookieName names the session cookie, without any prefix. Default
	// "bulwark_session". Over TLS, or with Secure set, the cookie is
	// called "__Host-" + CookieName.
	CookieName string

	// Secure marks the cookie Secure and gives it the "__Host-" prefix
	// even on requests that did not arrive over TLS. Set it when a proxy
	// terminates TLS in front of bulwark. Requests with r.TLS set get
	// both anyway; the URL scheme is never consulted.
	Secure bool

	// IdleTimeout ends a session that has not been refreshed for this
	// long. Default 30 minutes.
	IdleTimeout time.Duration

	// AbsoluteTimeout ends a session this long after login, however
	// active. Default 12 hours. It must not be shorter than IdleTimeout.
	AbsoluteTimeout time.Duration

	// RefreshAfter is how old the cookie's last-seen time must be before
	// [Manager.Refresh] seals a new cookie. Default 1 minute.
	RefreshAfter time.Duration

	// Now returns the current time. Default time.Now.
	Now func() time.Time
}

// A Manager starts, loads, refreshes and ends sessions. It is safe for
// concurrent use.
//
// Security limits: a sealed cookie is a bearer token. Whoever copies it (by
// XSS reading a non-HttpOnly copy, malware, a shared machine) can use it
// until it is revoked or times out; the Manager does not bind sessions to
// an IP address or a device. Timestamps have a resolution of one second.
type Manager struct {
	keys     *Keyring
	store    Store
	name     string
	ad       []byte // additional data: format version and cookie name
	secure   bool
	idle     time.Duration
	absolute time.Duration
	refresh  time.Duration
	now      func() time.Time
	handler  handlerState
}

// NewManager returns a Manager that seals cookies with k and records
// sessions in st. It fails on a nil keyring or store, an invalid cookie
// name, negative durations, or an absolute timeout shorter than the idle
// one.
func NewManager(k *Keyring, st Store, cfg Config) (*Manager, error) {
	m := &Manager{
		keys:     k,
		store:    st,
		name:     cmp.Or(cfg.CookieName, DefaultCookieName),
		secure:   cfg.Secure,
		idle:     cmp.Or(cfg.IdleTimeout, DefaultIdleTimeout),
		absolute: cmp.Or(cfg.AbsoluteTimeout, DefaultAbsoluteTimeout),
		refresh:  cmp.Or(cfg.RefreshAfter, DefaultRefreshAfter),
		now:      cfg.Now,
	}
	if m.now == nil {
		m.now = time.Now
	}
	switch {
	case k == nil || k.Len() == 0:
		return nil, errors.New("new session manager: no keyring")
	case st == nil:
		return nil, errors.New("new session manager: no store")
	case !validCookieName(m.name):
		return nil, fmt.Errorf("new session manager: invalid cookie name %q", m.name)
	case m.idle < time.Second || m.absolute < time.Second || m.refresh < 0:
		return nil, errors.New("new session manager: timeouts must be at least one second")
	case m.absolute < m.idle:
		return nil, fmt.Errorf("new session manager: absolute timeout %v is shorter than "+
			"idle timeout %v", m.absolute, m.idle)
	case m.refresh >= m.idle:
		return nil, fmt.Errorf("new session manager: refresh after %v is not shorter than "+
			"idle timeout %v", m.refresh, m.idle)
	}
	if strings.HasPrefix(m.name, hostPrefix) {
		m.name, m.secure = strings.TrimPrefix(m.name, hostPrefix), true
	}
	m.ad = append([]byte{formatVersion}, m.name...)
	return m, nil
}

// CookieName returns the name of the session cookie for r: the configured
// name, prefixed with "__Host-" when r arrived over TLS or the manager is
// configured Secure.
func (m *Manager) CookieName(r *http.Request) string {
	if m.isSecure(r) {
		return hostPrefix + m.name
	}
	return m.name
}

func (m *Manager) isSecure(r *http.Request) bool { return m.secure || r.TLS != nil }

// Load returns the session of r. It fails with an error matching
// [ErrNoSession] when the cookie is absent, does not open, has timed out or
// was revoked; any other error means the store failed. When several
// cookies carry the session cookie's name, the first that opens wins.
func (m *Manager) Load(r *http.Request) (Session, error) {
	s, err := m.Peek(r)
	if err != nil {
		return Session{}, err
	}
	alive, err := m.store.Alive(r.Context(), s.ID)
	return m.Check(s, alive, err)
}

// Peek returns the session that r's cookie holds, without asking the store:
// the first cookie of the session cookie's name that opens and has not
// timed out. It is half of [Manager.Load]; a caller that asks the store
// itself (to share a round trip with other work) passes the answer to
// [Manager.Check].
func (m *Manager) Peek(r *http.Request) (Session, error) {
	err := ErrNoSession
	for i, c := range r.CookiesNamed(m.CookieName(r)) {
		if i == maxCookiesTried {
			break
		}
		var s Session
		if s, err = m.Open(c.Value); err == nil {
			return s, nil
		}
	}
	return Session{}, err
}

// Check finishes [Manager.Peek] with the store's answer for s.ID.
func (m *Manager) Check(s Session, alive bool, err error) (Session, error) {
	if err != nil {
		return Session{}, fmt.Errorf("load session: %w", err)
	}
	if !alive {
		return Session{}, errRevoked
	}
	return s, nil
}

// Start logs user in: it revokes the session r carries, if any, records a
// new session with a fresh random id, and sets its cookie on w. The id
// never comes from the request, so a session id planted before login is
// worthless afterwards.
func (m *Manager) Start(w http.ResponseWriter, r *http.Request, user string) (Session, error) {
	if len(user) > MaxUserLen {
		return Session{}, fmt.Errorf("start session: user name is %d bytes, limit %d",
			len(user), MaxUserLen)
	}
	old, err := m.Load(r)
	switch {
	case err == nil:
		if err := m.store.Revoke(r.Context(), old.ID, m.remaining(old)); err != nil {
			return Session{}, fmt.Errorf("start session: %w", err)
		}
	case !errors.Is(err, ErrNoSession):
		return Session{}, fmt.Errorf("start session: %w", err)
	}
	now := time.Unix(m.now().Unix(), 0).UTC()
	s := Session{ID: newID(), User: user, Created: now, LastSeen: now}
	if err := m.store.Put(r.Context(), s, m.absolute); err != nil {
		return Session{}, fmt.Errorf("start session: %w", err)
	}
	if err := m.setCookie(w, r, s); err != nil {
		return Session{}, fmt.Errorf("start session: %w", err)
	}
	return s, nil
}

// Refresh moves the idle timeout of s forward by sealing a new cookie with
// LastSeen set to now, but only when LastSeen is older than
// Config.RefreshAfter, so most requests set no cookie. It returns the
// session as the cookie now holds it.
func (m *Manager) Refresh(w http.ResponseWriter, r *http.Request, s Session) (Session, error) {
	now := m.now()
	if now.Sub(s.LastSeen) < m.refresh {
		return s, nil
	}
	s.LastSeen = time.Unix(now.Unix(), 0).UTC()
	if err := m.setCookie(w, r, s); err != nil {
		return Session{}, fmt.Errorf("refresh session: %w", err)
	}
	return s, nil
}

// End logs s out: it revokes s in the store for the rest of its absolute
// lifetime and tells the browser to delete the cookie. The cookie is
// cleared even when the store fails; the error is returned so the caller
// can report that the logout did not take effect everywhere. A zero s (no
// session) only clears the cookie.
func (m *Manager) End(w http.ResponseWriter, r *http.Request, s Session) error {
	http.SetCookie(w, &http.Cookie{
		Name:     m.CookieName(r),
		Value:    "",
		Path:     "/",
		MaxAge:   -1,
		HttpOnly: true,
		Secure:   m.isSecure(r),
		SameSite: http.SameSiteLaxMode,
	})
	if s.ID == "" {
		return nil
	}
	if err := m.store.Revoke(r.Context(), s.ID, m.remaining(s)); err != nil {
		return fmt.Errorf("end session: %w", err)
	}
	return nil
}

// remaining returns how long s could still live, at least a minute, as the
// time to remember its revocation.
func (m *Manager) remaining(s Session) time.Duration {
	return max(s.Created.Add(m.absolute).Sub(m.now()), time.Minute)
}

func (m *Manager) setCookie(w http.ResponseWriter, r *http.Request, s Session) error {
	v, err := m.Seal(s)
	if err != nil {
		return err
	}
	left := s.Created.Add(m.absolute).Sub(m.now())
	http.SetCookie(w, &http.Cookie{
		Name:     m.CookieName(r),
		Value:    v,
		Path:     "/",
		MaxAge:   max(int(left/time.Second), 1),
		HttpOnly: true,
		Secure:   m.isSecure(r),
		SameSite: http.SameSiteLaxMode,
	})
	return nil
}

// validCookieName reports whether name is an HTTP token (RFC 9110), as a
// cookie name must be.
func validCookieName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`()<>@,;:\"/[]?={}`, c) >= 0 {
			return false
		}
	}
	return true
}
