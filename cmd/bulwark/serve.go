package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"gopkg.in/natefinch/lumberjack.v2"

	"github.com/bulwarkhq/bulwark/auth"
	"github.com/bulwarkhq/bulwark/gateway"
	"github.com/bulwarkhq/bulwark/session"
	"github.com/bulwarkhq/bulwark/web"
	"github.com/redis/go-redis/v9"
)

// minKeyLen is the shortest SESSION_SECRET_KEY accepted.
const minKeyLen = session.MinKeyLen

func runServe(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	sf := newServeFlags(stderr)
	sf.fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: bulwark serve [--addr 127.0.0.1:8080] [--upstream URL] "+
			"[--users FILE] [--config FILE]")
		sf.fs.PrintDefaults()
	}
	if err := sf.fs.Parse(args); err != nil {
		return 2
	}
	if sf.fs.NArg() > 0 {
		errorf(stderr, "serve: unexpected argument %q", sf.fs.Arg(0))
		return 2
	}
	dotenv, err := readDotEnv(".env")
	if err != nil {
		errorf(stderr, "serve: %v", err)
		return 2
	}
	lookup := envLookup(dotenv)
	cfg, err := loadServeConfig(sf, lookup)
	if err != nil {
		errorf(stderr, "serve: invalid configuration:\n%v", err)
		hintf(stderr, "see the Configuration section of the README for every key")
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := serve(ctx, cfg, lookup, stdout, stderr); err != nil {
		errorf(stderr, "serve: %v", err)
		var he hinted
		if errors.As(err, &he) {
			hintf(stderr, "%s", he.hint)
		}
		return 1
	}
	return 0
}

// hinted is an error with advice for the operator.
type hinted struct {
	err  error
	hint string
}

func (h hinted) Error() string { return h.err.Error() }
func (h hinted) Unwrap() error { return h.err }

func serve(ctx context.Context, cfg gateway.Config, lookup func(string) (string, bool),
	stdout, stderr io.Writer) error {
	logger, closeLog := newLogger(cfg, stderr)
	defer closeLog()

	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return fmt.Errorf("create data directory: %w", err)
	}
	secret, previous, err := sessionKeys(cfg, lookup, logger)
	if err != nil {
		return err
	}
	if cfg.Upstream == "" {
		if err := ensureDemoUser(cfg.UsersFile, stdout); err != nil {
			return err
		}
	}
	pages, err := newPages()
	if err != nil {
		return err
	}
	var signingKey []byte
	if cfg.Signing.KeyID != "" {
		v, _ := lookup(cfg.Signing.KeyEnv)
		signingKey = []byte(v)
	}
	redis.SetLogger(redisLog{logger})
	srv, err := gateway.Open(cfg, gateway.Options{Secret: secret, Previous: previous, Logger: logger,
		Pages: pages, SigningKey: signingKey})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		srv.Close()
		return hinted{fmt.Errorf("listen on %s: %w", cfg.Addr, err), "choose another address with --addr"}
	}
	scheme := "http"
	if cfg.TLSCert != "" {
		scheme = "https"
	}
	mode := "demo assistant"
	if cfg.Upstream != "" {
		mode = "proxy to " + cfg.Upstream
	}
	fmt.Fprintf(stdout, "bulwark: listening on %s://%s (%s)\n", scheme, ln.Addr(), mode)
	logger.Info("gateway started", "addr", ln.Addr().String(), "mode", mode, "env", cfg.Env,
		"session_store", storeName(cfg), "log_file", cfg.LogFile)

	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		srv.Close()
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down: finishing in-flight requests",
		"timeout", time.Duration(cfg.Timeouts.Shutdown).String())
	sctx, cancel := context.WithTimeout(context.Background(), time.Duration(cfg.Timeouts.Shutdown))
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		logger.Warn("shutdown did not finish cleanly", "error", err)
	}
	<-done
	logger.Info("gateway stopped")
	return nil
}

func storeName(cfg gateway.Config) string {
	switch {
	case cfg.Session.Store != "":
		return cfg.Session.Store
	case cfg.RedisURL != "":
		return "redis"
	}
	return "bolt"
}

// sessionKeys returns SESSION_SECRET_KEY and the previous keys. Without a key,
// production refuses to start; development generates one once and keeps it
// in the data directory.
func sessionKeys(cfg gateway.Config, lookup func(string) (string, bool), log *slog.Logger) (
	[]byte, [][]byte, error) {
	var previous [][]byte
	if v, ok := lookup("SESSION_SECRET_KEY_PREVIOUS"); ok {
		for _, k := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' }) {
			previous = append(previous, []byte(k))
		}
	}
	key, _ := lookup("SESSION_SECRET_KEY")
	if key != "" {
		if len(key) < minKeyLen {
			return nil, nil, hinted{fmt.Errorf("SESSION_SECRET_KEY is %d bytes; it needs at least %d",
				len(key), minKeyLen), "generate one with: openssl rand -hex 32"}
		}
		return []byte(key), previous, nil
	}
	if cfg.Production() {
		return nil, nil, hinted{errors.New("SESSION_SECRET_KEY is not set and env is production"),
			"set SESSION_SECRET_KEY (at least 32 bytes, e.g. openssl rand -hex 32) in the environment or .env"}
	}
	path := filepath.Join(cfg.DataDir, "session.key")
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		b = []byte(strings.TrimSpace(string(b)))
		if len(b) < minKeyLen {
			return nil, nil, fmt.Errorf("generated key %s is shorter than %d bytes: delete it to make a new one",
				path, minKeyLen)
		}
	case errors.Is(err, os.ErrNotExist):
		var raw [32]byte
		rand.Read(raw[:])
		b = []byte(hex.EncodeToString(raw[:]))
		if err := os.WriteFile(path, append(b, '\n'), 0o600); err != nil {
			return nil, nil, fmt.Errorf("store generated session key: %w", err)
		}
		log.Warn("SESSION_SECRET_KEY not set: generated a key for development; production must set one",
			"key_file", path)
		return b, previous, nil
	default:
		return nil, nil, fmt.Errorf("read generated session key: %w", err)
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		return nil, nil, hinted{fmt.Errorf("%s is readable by others (mode %v)", path, fi.Mode().Perm()),
			"chmod 600 " + path}
	}
	log.Warn("using the generated development session key; set SESSION_SECRET_KEY in production",
		"key_file", path)
	return b, previous, nil
}

// ensureDemoUser creates the users file with user demo and a random password,
// printed once, when no users file exists.
func ensureDemoUser(path string, stdout io.Writer) error {
	if _, err := os.Stat(path); err == nil {
		return nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("users file: %w", err)
	}
	var raw [12]byte
	rand.Read(raw[:])
	password := hex.EncodeToString(raw[:])
	if err := auth.Add(path, "demo", password); err != nil {
		return fmt.Errorf("create demo user: %w", err)
	}
	fmt.Fprintf(stdout, "bulwark: created user \"demo\" with password %s in %s (shown once)\n", password, path)
	return nil
}

// newLogger logs JSON lines to stderr and to the log file. A failing log file
// (disk full, removed directory) never stops the service: the line still
// reaches stderr, and a warning says the file is failing.
func newLogger(cfg gateway.Config, stderr io.Writer) (*slog.Logger, func()) {
	var level slog.Level
	level.UnmarshalText([]byte(cfg.LogLevel))
	w := &teeWriter{primary: stderr}
	closeFn := func() {}
	if cfg.LogFile != "" && cfg.LogFile != "-" {
		if err := os.MkdirAll(filepath.Dir(cfg.LogFile), 0o750); err != nil {
			warnf(stderr, "cannot create log directory, logging to standard error only: %v", err)
		} else {
			lj := &lumberjack.Logger{Filename: cfg.LogFile, MaxSize: 100, MaxBackups: 5, Compress: true}
			w.file = lj
			closeFn = func() { lj.Close() }
		}
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level})), closeFn
}

// teeWriter writes every line to primary and, best effort, to file.
type teeWriter struct {
	mu       sync.Mutex
	primary  io.Writer
	file     io.Writer
	failing  bool
	lastWarn time.Time
}

func (t *teeWriter) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	n, err := t.primary.Write(p)
	if t.file == nil {
		return n, err
	}
	if _, ferr := t.file.Write(p); ferr != nil {
		if !t.failing || time.Since(t.lastWarn) > time.Minute {
			fmt.Fprintf(t.primary, `{"time":%q,"level":"ERROR",`+
				`"msg":"log file write failed; logging to standard error only","error":%q}`+"\n",
				time.Now().Format(time.RFC3339Nano), ferr.Error())
			t.lastWarn = time.Now()
		}
		t.failing = true
	} else if t.failing {
		t.failing = false
		fmt.Fprintf(t.primary, `{"time":%q,"level":"INFO","msg":"log file writable again"}`+"\n",
			time.Now().Format(time.RFC3339Nano))
	}
	return n, err
}

func newPages() (http.Handler, error) { return web.Handler() }

// redisLog sends go-redis's own messages (a failed dial during an outage,
// say) to the service's log at debug level, as JSON like every other line,
// instead of plain text on standard error. What an outage means for
// requests is logged by the gateway itself.
type redisLog struct{ log *slog.Logger }

func (l redisLog) Printf(ctx context.Context, format string, v ...any) {
	l.log.DebugContext(ctx, "redis client", "detail", fmt.Sprintf(format, v...))
}
