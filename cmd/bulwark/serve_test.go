package main

import (
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/bulwarkhq/bulwark/gateway"
)

func TestServeWithNothingSet(t *testing.T) {
	dir := t.TempDir()
	c := bulwark(t, dir, nil, "", "serve", "--addr", "127.0.0.1:0")
	base := c.start(t)

	m := regexp.MustCompile(`created user "demo" with password ([0-9a-f]+)`).FindStringSubmatch(c.stdout.String())
	if m == nil {
		t.Fatalf("no demo password printed:\n%s", c.stdout)
	}
	fi, err := os.Stat(filepath.Join(dir, "data", "session.key"))
	if err != nil {
		t.Fatalf("generated key: %v", err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("generated key mode = %v, want 0600", fi.Mode().Perm())
	}
	if !strings.Contains(c.stderr.String(), "production must set one") {
		t.Errorf("no warning about the generated key:\n%s", c.stderr)
	}

	res, err := http.Post(base+"/api/auth/login", "application/json",
		strings.NewReader(`{"username":"demo","password":"`+m[1]+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	var login struct {
		Success   bool   `json:"success"`
		CSRFToken string `json:"csrf_token"`
	}
	json.NewDecoder(res.Body).Decode(&login)
	res.Body.Close()
	if res.StatusCode != 200 || !login.Success || login.CSRFToken == "" {
		t.Fatalf("login with the printed password = %d %+v", res.StatusCode, login)
	}

	if code := c.stop(t); code != 0 {
		t.Errorf("exit code after SIGINT = %d, want 0\n%s", code, c.stderr)
	}
	logFile, err := os.ReadFile(filepath.Join(dir, "logs", "api.log"))
	if err != nil {
		t.Fatalf("log file: %v", err)
	}
	for _, want := range []string{`"msg":"gateway started"`, `"msg":"login succeeded"`, `"msg":"gateway stopped"`} {
		if !strings.Contains(string(logFile), want) {
			t.Errorf("logs/api.log lacks %s", want)
		}
	}
	if strings.Contains(string(logFile), m[1]) || strings.Contains(string(logFile), login.CSRFToken) {
		t.Error("a password or token reached the log")
	}

	// A second start keeps the users file and key: no new password.
	c2 := bulwark(t, dir, nil, "", "serve", "--addr", "127.0.0.1:0")
	c2.start(t)
	if strings.Contains(c2.stdout.String(), "created user") {
		t.Error("second start created the demo user again")
	}
	c2.stop(t)
}

func TestServeRefuses(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	tests := []struct {
		name   string
		env    []string
		files  map[string]string
		args   []string
		code   int
		stderr string
	}{
		{"production without key", []string{"BULWARK_ENV=production"}, nil, nil, 1, "SESSION_SECRET_KEY is not set"},
		{"production flag without key", nil, nil, []string{"--env", "production"}, 1, "SESSION_SECRET_KEY is not set"},
		{"production short key", []string{"BULWARK_ENV=production", "SESSION_SECRET_KEY=short"}, nil, nil, 1, "at least 32"},
		{"production short key in .env", []string{"BULWARK_ENV=production"},
			map[string]string{".env": "SESSION_SECRET_KEY=short\n"}, nil, 1, "at least 32"},
		{"unknown yaml key", nil, map[string]string{"b.yaml": "addr: 127.0.0.1:0\nsesion:\n  store: memory\n"},
			[]string{"--config", "b.yaml"}, 2, "sesion"},
		{"unknown toml key", nil, map[string]string{"b.toml": "[session]\nstroe = \"memory\"\n"},
			[]string{"--config", "b.toml"}, 2, "session.stroe"},
		{"invalid value", nil, map[string]string{"b.yaml": "session:\n  idle_timeout: soon\n"},
			[]string{"--config", "b.yaml"}, 2, "soon"},
		{"invalid env", []string{"BULWARK_LOG_LEVEL=loud"}, nil, nil, 2, "log_level"},
		{"bad upstream", nil, nil, []string{"--upstream", "ftp://x"}, 2, "upstream"},
		{"bad trusted origin", nil, nil, []string{"--trusted-origin", "evil.example"}, 1, "trusted_origins"},
		{"stray argument", nil, nil, []string{"now"}, 2, "unexpected argument"},
		{"address in use", nil, nil, []string{"--addr", busy.Addr().String()}, 1, "listen on"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, content := range tt.files {
				os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600)
			}
			args := append([]string{"serve", "--addr", "127.0.0.1:0"}, tt.args...)
			c := bulwark(t, dir, tt.env, "", args...)
			if code := c.run(t); code != tt.code {
				t.Fatalf("exit code = %d, want %d\nstderr: %s", code, tt.code, c.stderr)
			}
			if !strings.Contains(c.stderr.String(), tt.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderr, c.stderr)
			}
		})
	}
}

func TestServeProductionKeyFromDotEnv(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, ".env"), []byte("SESSION_SECRET_KEY='"+strings.Repeat("s", 40)+"'\n"), 0o600)
	c := bulwark(t, dir, []string{"BULWARK_ENV=production"}, "", "serve", "--addr", "127.0.0.1:0")
	c.start(t)
	if _, err := os.Stat(filepath.Join(dir, "data", "session.key")); err == nil {
		t.Error("production generated a key file although .env set one")
	}
	c.stop(t)
}

func TestConfigPrecedence(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "bulwark.yaml")
	os.WriteFile(file, []byte("addr: 127.0.0.1:1001\nlog_level: debug\ndata_dir: from-file\nsession:\n  store: memory\n"), 0o600)
	env := map[string]string{"BULWARK_ADDR": "127.0.0.1:1002", "BULWARK_DATA_DIR": "from-env"}
	dotenv := map[string]string{"BULWARK_ADDR": "127.0.0.1:1003", "BULWARK_LOG_LEVEL": "warn"}
	lookup := func(k string) (string, bool) {
		if v, ok := env[k]; ok {
			return v, true
		}
		v, ok := dotenv[k]
		return v, ok
	}
	sf := newServeFlags(os.Stderr)
	if err := sf.fs.Parse([]string{"--config", file, "--addr", "127.0.0.1:1004"}); err != nil {
		t.Fatal(err)
	}
	cfg, err := loadServeConfig(sf, lookup)
	if err != nil {
		t.Fatal(err)
	}
	want := gateway.DefaultConfig()
	tests := []struct{ name, got, want string }{
		{"flag beats env, .env and file", cfg.Addr, "127.0.0.1:1004"},
		{"env beats file", cfg.DataDir, "from-env"},
		{".env beats file", cfg.LogLevel, "warn"},
		{"file beats default", cfg.Session.Store, "memory"},
		{"default stays", cfg.LoginPath, want.LoginPath},
		{"users file follows data dir", cfg.UsersFile, filepath.Join("from-env", "users")},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}

func TestUserAdd(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name  string
		stdin string
		args  []string
		code  int
	}{
		{"adds", "s3cret\n", []string{"user", "add", "--file", "u", "alice"}, 0},
		{"replaces", "other\n", []string{"user", "add", "--file", "u", "alice"}, 0},
		{"empty password", "\n", []string{"user", "add", "--file", "u", "bob"}, 1},
		{"bad name", "pw\n", []string{"user", "add", "--file", "u", "a:b"}, 2},
		{"no name", "pw\n", []string{"user", "add", "--file", "u"}, 2},
		{"no subcommand", "", []string{"user"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := bulwark(t, dir, nil, tt.stdin, tt.args...)
			if code := c.run(t); code != tt.code {
				t.Fatalf("exit = %d, want %d: %s", code, tt.code, c.stderr)
			}
		})
	}
	b, _ := os.ReadFile(filepath.Join(dir, "u"))
	if strings.Count(string(b), "alice:$2") != 1 || strings.Contains(string(b), "s3cret") {
		t.Errorf("users file = %q", b)
	}
}
