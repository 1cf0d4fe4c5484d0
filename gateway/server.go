package gateway

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/bulwarkhq/bulwark/auth"
	"github.com/bulwarkhq/bulwark/csrf"
	"github.com/bulwarkhq/bulwark/intent"
	"github.com/bulwarkhq/bulwark/internal/metrics"
	"github.com/bulwarkhq/bulwark/ratelimit"
	"github.com/bulwarkhq/bulwark/scan"
	"github.com/bulwarkhq/bulwark/script"
	"github.com/bulwarkhq/bulwark/session"
	"github.com/bulwarkhq/bulwark/validate"
	"github.com/bulwarkhq/bulwark/waf"
	"github.com/redis/go-redis/v9"
)

// Options are what [Open] needs besides the configuration.
type Options struct {
	Secret   []byte   // SESSION_SECRET_KEY
	Previous [][]byte // SESSION_SECRET_KEY_PREVIOUS: open only
	Logger   *slog.Logger
	Pages    http.Handler // web pages for demo mode; nil = none
	// SigningKey is the key of Config.Signing (read from its KeyEnv).
	SigningKey []byte
}

// Server is a gateway with everything it was built from: stores, layers and
// the HTTP server. Close releases them.
type Server struct {
	*Gateway
	HTTP    *http.Server
	closers []func() error
}

// Open builds a complete gateway from cfg: the session store, the key ring,
// CSRF protection, the login guard and the detection layers.
func Open(cfg Config, o Options) (_ *Server, err error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	srv := &Server{}
	defer func() {
		if err != nil {
			srv.Close()
		}
	}()
	keys, err := session.NewKeyring(o.Secret, o.Previous...)
	if err != nil {
		return nil, err
	}
	d := Deps{Logger: o.Logger, Pages: o.Pages, Metrics: metrics.New(), SigningKey: o.SigningKey}

	var rdb redis.UniversalClient
	if cfg.RedisURL != "" {
		if rdb, err = newRedis(cfg); err != nil {
			return nil, err
		}
		srv.closers = append(srv.closers, rdb.Close)
		d.Limiter = ratelimit.NewRedis(rdb, cfg.RedisPrefix+"rl:")
		d.Health = func(ctx context.Context) error { return rdb.Ping(ctx).Err() }
	}
	store, err := openStore(cfg, rdb)
	if err != nil {
		return nil, err
	}
	if rs, ok := store.(*session.RedisStore); ok {
		d.Batch = &Batch{Client: rdb, Store: rs, Limiter: d.Limiter.(*ratelimit.Redis)}
	}
	srv.closers = append(srv.closers, store.Close)
	d.Sessions, err = session.NewManager(keys, store, session.Config{
		CookieName:      cfg.Session.CookieName,
		Secure:          cfg.Session.Secure,
		IdleTimeout:     time.Duration(cfg.Session.IdleTimeout),
		AbsoluteTimeout: time.Duration(cfg.Session.AbsoluteTimeout),
	})
	if err != nil {
		return nil, err
	}
	d.CSRF = csrf.New(keys.CSRFKeys(), session.IDFromRequest)
	if d.Origins, err = csrf.NewOrigins(cfg.TrustedOrigins); err != nil {
		return nil, fmt.Errorf("trusted_origins: %v", err)
	}
	var failures ratelimit.Failures = &ratelimit.MemoryFailures{}
	if rdb != nil {
		failures = ratelimit.NewRedisFailures(rdb, cfg.RedisPrefix+"login:")
	}
	d.Logins = &ratelimit.Login{Store: failures}

	if cfg.Upstream == "" {
		if d.Users, err = auth.Load(cfg.UsersFile); err != nil {
			return nil, err
		}
	}
	input, err := validate.New(validate.Config{Modes: inputModes(cfg.Input.Modes)})
	if err != nil {
		return nil, fmt.Errorf("input layer: %v", err)
	}
	d.Input = input
	if cfg.WAF.Rules == "crs" {
		if d.WAF, err = waf.New(cfg.WAF.Paranoia); err != nil {
			return nil, fmt.Errorf("waf: %v", err)
		}
	}
	if cfg.Scripts.Enabled {
		d.Scripts = srv.openScripts(cfg.Scripts, d.Logger)
	}
	if d.Intent, err = newIntent(cfg.Intent); err != nil {
		return nil, fmt.Errorf("intent layer: %v", err)
	}
	if srv.Gateway, err = New(cfg, d); err != nil {
		return nil, err
	}
	t := cfg.Timeouts
	srv.HTTP = &http.Server{
		Addr:              cfg.Addr,
		Handler:           srv.Gateway.Handler(),
		ReadHeaderTimeout: time.Duration(t.ReadHeader),
		ReadTimeout:       time.Duration(t.Read),
		WriteTimeout:      time.Duration(t.Write),
		IdleTimeout:       time.Duration(t.Idle),
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(srv.Gateway.log.Handler(), slog.LevelWarn),
	}
	if cfg.TLSCert != "" {
		cert, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
		if err != nil {
			return nil, fmt.Errorf("tls_cert: %v", err)
		}
		srv.HTTP.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	return srv, nil
}

// newRedis connects to a single Redis (or Valkey) or, with redis_cluster,
// to a Redis Cluster whose URL lists more nodes as addr= parameters. Calls
// fail fast (one retry, one dial attempt each, one-second timeouts) so an
// outage turns into 503s rather than hung requests: go-redis otherwise
// dials five times with pauses, close to a second per command on a
// refused connection. The client reconnects by itself.
func newRedis(cfg Config) (redis.UniversalClient, error) {
	if cfg.RedisCluster {
		opt, err := redis.ParseClusterURL(cfg.RedisURL)
		if err != nil {
			return nil, fmt.Errorf("redis_url: %v", err)
		}
		opt.MaxRetries, opt.DialerRetries = 1, 1
		opt.DialTimeout, opt.ReadTimeout, opt.WriteTimeout = time.Second, time.Second, time.Second
		return redis.NewClusterClient(opt), nil
	}
	opt, err := redis.ParseURL(cfg.RedisURL)
	if err != nil {
		return nil, fmt.Errorf("redis_url: %v", err)
	}
	opt.MaxRetries, opt.DialerRetries = 1, 1
	opt.DialTimeout, opt.ReadTimeout, opt.WriteTimeout = time.Second, time.Second, time.Second
	return redis.NewClient(opt), nil
}

// openScripts starts the sandbox pool. A host that cannot sandbox still
// serves everything else: the script route then answers 503, and the reason
// is logged once.
func (srv *Server) openScripts(c ScriptsConfig, log *slog.Logger) ScriptRunner {
	r, err := script.NewRunner(script.Config{Concurrency: c.Concurrency, Queue: c.Queue, Warm: c.Warm,
		MaxTimeout: time.Duration(c.MaxTimeout), MaxMemoryMB: c.MaxMemoryMB})
	if err != nil {
		if log != nil {
			log.Warn("script sandbox unavailable: POST /api/scripts/run will answer 503", "error", err)
		}
		return nil
	}
	srv.closers = append(srv.closers, r.Close)
	if log != nil {
		log.Info("script sandbox ready", "capabilities", fmt.Sprintf("%+v", r.Capabilities()))
	}
	return r
}

// openStore picks the session store: redis when asked or when a Redis URL is
// set and nothing else is asked, else bolt in the data directory.
func openStore(cfg Config, rdb redis.UniversalClient) (session.Store, error) {
	kind := cfg.Session.Store
	if kind == "" {
		kind = "bolt"
		if rdb != nil {
			kind = "redis"
		}
	}
	switch kind {
	case "memory":
		return session.NewMemoryStore(), nil
	case "redis":
		return session.NewRedisStore(rdb, cfg.RedisPrefix+"session:"), nil
	default:
		if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
			return nil, fmt.Errorf("create data directory: %w", err)
		}
		return session.OpenBoltStore(filepath.Join(cfg.DataDir, "sessions.db"))
	}
}

func inputModes(m map[string]string) map[scan.Kind]validate.Mode {
	out := map[scan.Kind]validate.Mode{}
	for k, v := range m {
		out[scan.Kind(k)] = validate.Mode(v)
	}
	return out
}

func newIntent(c IntentConfig) (*intent.Detector, error) {
	cfg := intent.Config{Modes: map[scan.Kind]intent.Mode{}, Thresholds: map[scan.Kind]float64{}}
	for k, v := range c.Modes {
		cfg.Modes[scan.Kind(k)] = intent.Mode(v)
	}
	for k, v := range c.Thresholds {
		cfg.Thresholds[scan.Kind(k)] = v
	}
	if j := c.Judge; j.URL != "" {
		cfg.Judge = &intent.JudgeConfig{URL: j.URL, Model: j.Model, APIKeyEnv: j.APIKeyEnv,
			Timeout: time.Duration(j.Timeout), FailClosed: j.FailClosed}
	}
	return intent.New(cfg)
}

// Serve answers requests on ln until Shutdown; with a TLS certificate
// configured it serves HTTPS.
func (s *Server) Serve(ln net.Listener) error {
	if n := s.cfg.MaxConnections; n > 0 {
		ln = newLimitListener(ln, n, func() { s.metrics.RateLimited.WithLabelValues("connections").Inc() })
	}
	var err error
	if s.HTTP.TLSConfig != nil {
		err = s.HTTP.ServeTLS(ln, "", "")
	} else {
		err = s.HTTP.Serve(ln)
	}
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops taking new requests, lets in-flight ones finish until ctx
// ends, then releases everything.
func (s *Server) Shutdown(ctx context.Context) error {
	s.Gateway.Drain()
	err := s.HTTP.Shutdown(ctx)
	s.Close()
	return err
}

// Close releases the stores and clients, last opened first.
func (s *Server) Close() error {
	var errs []error
	for i := len(s.closers) - 1; i >= 0; i-- {
		errs = append(errs, s.closers[i]())
	}
	s.closers = nil
	return errors.Join(errs...)
}
