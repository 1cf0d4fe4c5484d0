package gateway

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/bulwarkhq/bulwark/scan"
)

// Config is every option of the gateway. The zero value is not usable; start
// from [DefaultConfig]. Field tags name the keys of the configuration file
// (YAML or TOML); the README lists them with their flags and environment
// variables.
type Config struct {
	Addr      string `yaml:"addr" toml:"addr"`             // listen address
	Upstream  string `yaml:"upstream" toml:"upstream"`     // backend URL; empty = built-in demo assistant
	Env       string `yaml:"env" toml:"env"`               // development or production
	DataDir   string `yaml:"data_dir" toml:"data_dir"`     // generated key, users file, session store
	UsersFile string `yaml:"users_file" toml:"users_file"` // empty = DataDir/users
	LogFile   string `yaml:"log_file" toml:"log_file"`     // JSON log file; "-" = standard error only
	LogLevel  string `yaml:"log_level" toml:"log_level"`   // debug, info, warn, error
	TLSCert   string `yaml:"tls_cert" toml:"tls_cert"`
	TLSKey    string `yaml:"tls_key" toml:"tls_key"`
	BodyLimit int64  `yaml:"body_limit" toml:"body_limit"` // bytes per request body
	// MaxConnections caps the client connections open at once; one more
	// is answered 503 and closed. Zero means no cap.
	MaxConnections int    `yaml:"max_connections" toml:"max_connections"`
	RedisURL       string `yaml:"redis_url" toml:"redis_url"`
	// RedisCluster treats RedisURL as a Redis Cluster seed list
	// (redis://node1:6379?addr=node2:6379&addr=node3:6379).
	RedisCluster bool `yaml:"redis_cluster" toml:"redis_cluster"`
	// RedisPrefix starts every key bulwark writes, so several deployments
	// can share one Redis.
	RedisPrefix string `yaml:"redis_prefix" toml:"redis_prefix"`

	// TrustedOrigins are scheme://host[:port] values allowed to make
	// cross-origin unsafe requests.
	TrustedOrigins []string `yaml:"trusted_origins" toml:"trusted_origins"`

	// TrustedProxies are addresses or CIDR prefixes of proxies whose
	// X-Forwarded-For and Forwarded headers name the real client.
	TrustedProxies []string `yaml:"trusted_proxies" toml:"trusted_proxies"`

	// LoginPath and LogoutPath are the routes that start and end sessions; in
	// proxy mode they are forwarded to the upstream first.
	LoginPath  string `yaml:"login_path" toml:"login_path"`
	LogoutPath string `yaml:"logout_path" toml:"logout_path"`

	Session    SessionConfig   `yaml:"session" toml:"session"`
	Timeouts   TimeoutConfig   `yaml:"timeouts" toml:"timeouts"`
	Scripts    ScriptsConfig   `yaml:"scripts" toml:"scripts"`
	RateLimits RateLimitConfig `yaml:"rate_limits" toml:"rate_limits"`
	Signing    SigningConfig   `yaml:"signing" toml:"signing"`
	WAF        WAFConfig       `yaml:"waf" toml:"waf"`
	Input      InputConfig     `yaml:"input" toml:"input"`
	Intent     IntentConfig    `yaml:"intent" toml:"intent"`
}

// SigningConfig makes the gateway sign every request it forwards to the
// upstream (package sign), so the backend can check that a request passed
// the gateway. The key itself comes from the environment variable KeyEnv.
type SigningConfig struct {
	KeyID  string `yaml:"key_id" toml:"key_id"`   // empty = no signing
	KeyEnv string `yaml:"key_env" toml:"key_env"` // default BULWARK_SIGNING_KEY
}

// WAFConfig switches on the OWASP Core Rule Set through Coraza, in front of
// bulwark's own layers. It is off by default: the CRS blocks much ordinary
// chat (see docs/validate.md).
type WAFConfig struct {
	Rules    string `yaml:"rules" toml:"rules"`       // "off" or "crs"
	Paranoia int    `yaml:"paranoia" toml:"paranoia"` // CRS paranoia level 1..4
}

// ScriptsConfig configures POST /api/scripts/run and its sandbox pool.
type ScriptsConfig struct {
	Enabled     bool     `yaml:"enabled" toml:"enabled"`             // false: the route answers 503
	Concurrency int      `yaml:"concurrency" toml:"concurrency"`     // runs at once; 0 = number of CPUs
	Queue       int      `yaml:"queue" toml:"queue"`                 // runs waiting before 429; 0 = 4×concurrency
	Warm        int      `yaml:"warm" toml:"warm"`                   // sandboxes kept ready; 0 = concurrency, <0 = none
	MaxTimeout  Duration `yaml:"max_timeout" toml:"max_timeout"`     // largest CPU limit a request may ask; 0 = 30s
	MaxMemoryMB int      `yaml:"max_memory_mb" toml:"max_memory_mb"` // largest memory limit; 0 = 512
}

// InputConfig configures the input-validation layer.
type InputConfig struct {
	// Modes sets block, flag or off per kind (sqli, xss, ...); a kind not
	// named blocks.
	Modes map[string]string `yaml:"modes" toml:"modes"`
	// ChatContext is the context of chat messages: chat (the default) or
	// strict.
	ChatContext string `yaml:"chat_context" toml:"chat_context"`
	// ProxyContext is the context of every string field of proxied JSON
	// and form bodies, unless Routes or Fields say otherwise.
	ProxyContext string `yaml:"proxy_context" toml:"proxy_context"`
	// Routes maps a path prefix of proxied requests to the context of its
	// fields, e.g. {"/api/search": "strict"}; the longest prefix wins.
	Routes map[string]string `yaml:"routes" toml:"routes"`
	// Fields maps a field to its context wherever it appears: by its full
	// path ("filter.user_id", "items[0].sku") or by its last key
	// ("user_id"). It overrides Routes and ProxyContext.
	Fields map[string]string `yaml:"fields" toml:"fields"`
}

// IntentConfig configures the intent layer.
type IntentConfig struct {
	Modes      map[string]string  `yaml:"modes" toml:"modes"`           // per kind: block, flag or off
	Thresholds map[string]float64 `yaml:"thresholds" toml:"thresholds"` // per kind, 0..1
	// PromptFields are the JSON fields of proxied requests that hold
	// prompts; empty = message, prompt, content, input, query and
	// messages[].content.
	PromptFields []string    `yaml:"prompt_fields" toml:"prompt_fields"`
	Judge        JudgeConfig `yaml:"judge" toml:"judge"`
}

// JudgeConfig configures the optional LLM judge, asked only about messages
// in the uncertain score band.
type JudgeConfig struct {
	URL        string   `yaml:"url" toml:"url"` // OpenAI-compatible base URL; empty = no judge
	Model      string   `yaml:"model" toml:"model"`
	APIKeyEnv  string   `yaml:"api_key_env" toml:"api_key_env"` // name of the variable holding the API key
	Timeout    Duration `yaml:"timeout" toml:"timeout"`
	FailClosed bool     `yaml:"fail_closed" toml:"fail_closed"` // block when the judge cannot answer

}

// SessionConfig configures the session cookie and its store.
type SessionConfig struct {
	CookieName      string   `yaml:"cookie_name" toml:"cookie_name"`
	Secure          bool     `yaml:"secure" toml:"secure"` // Secure flag and __Host- prefix even without TLS here (TLS ends at a proxy)
	IdleTimeout     Duration `yaml:"idle_timeout" toml:"idle_timeout"`
	AbsoluteTimeout Duration `yaml:"absolute_timeout" toml:"absolute_timeout"`
	Store           string   `yaml:"store" toml:"store"` // bolt, memory or redis; empty = redis when a Redis URL is set, else bolt
}

// TimeoutConfig bounds how long the server waits for clients and upstreams.
type TimeoutConfig struct {
	ReadHeader Duration `yaml:"read_header" toml:"read_header"`
	Read       Duration `yaml:"read" toml:"read"`
	Write      Duration `yaml:"write" toml:"write"`
	Idle       Duration `yaml:"idle" toml:"idle"`
	Upstream   Duration `yaml:"upstream" toml:"upstream"`
	Shutdown   Duration `yaml:"shutdown" toml:"shutdown"`
}

// Duration is a time.Duration written as "30s" or "12h" in configuration
// files.
type Duration time.Duration

// UnmarshalText parses a duration such as "90s".
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("want a duration such as 30s or 12h, got %q", b)
	}
	*d = Duration(v)
	return nil
}

// MarshalText writes the duration as time.Duration.String does.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// DefaultConfig returns the configuration `bulwark serve` runs with when
// nothing is set.
func DefaultConfig() Config {
	return Config{
		Addr:           "127.0.0.1:8080",
		Env:            "development",
		DataDir:        "data",
		LogFile:        "logs/api.log",
		LogLevel:       "info",
		BodyLimit:      1 << 20,
		MaxConnections: 4096,
		LoginPath:      "/api/auth/login",
		LogoutPath:     "/api/auth/logout",
		RedisPrefix:    "bulwark:",
		Input:          InputConfig{ChatContext: "chat", ProxyContext: "chat"},
		Scripts:        ScriptsConfig{Enabled: true},
		RateLimits:     defaultRateLimits(),
		Signing:        SigningConfig{KeyEnv: "BULWARK_SIGNING_KEY"},
		WAF:            WAFConfig{Rules: "off", Paranoia: 1},
		Session: SessionConfig{
			CookieName:      "bulwark_session",
			IdleTimeout:     Duration(30 * time.Minute),
			AbsoluteTimeout: Duration(12 * time.Hour),
		},
		Timeouts: TimeoutConfig{
			ReadHeader: Duration(5 * time.Second),
			Read:       Duration(30 * time.Second),
			Write:      Duration(120 * time.Second),
			Idle:       Duration(120 * time.Second),
			Upstream:   Duration(60 * time.Second),
			Shutdown:   Duration(20 * time.Second),
		},
	}
}

// Production reports whether the gateway runs with production rules.
func (c *Config) Production() bool { return c.Env == "production" }

// Validate checks every field and names the first bad key.
func (c *Config) Validate() error {
	var errs []error
	bad := func(key, format string, a ...any) {
		errs = append(errs, fmt.Errorf("%s: "+format, append([]any{key}, a...)...))
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		bad("addr", "want host:port, got %q", c.Addr)
	}
	if c.Upstream != "" {
		u, err := url.Parse(c.Upstream)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("upstream", "want an http:// or https:// URL, got %q", c.Upstream)
		}
	}
	if c.Env != "development" && c.Env != "production" {
		bad("env", "want development or production, got %q", c.Env)
	}
	if c.DataDir == "" {
		bad("data_dir", "must not be empty")
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		bad("log_level", "want debug, info, warn or error, got %q", c.LogLevel)
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		bad("tls_cert", "tls_cert and tls_key go together")
	}
	if c.MaxConnections < 0 {
		bad("max_connections", "must not be negative (0 = no cap)")
	}
	if c.BodyLimit <= 0 || c.BodyLimit > 1<<30 {
		bad("body_limit", "want 1 to 1073741824 bytes, got %d", c.BodyLimit)
	}
	for _, p := range []struct{ key, v string }{{"login_path", c.LoginPath}, {"logout_path", c.LogoutPath}} {
		if !strings.HasPrefix(p.v, "/") {
			bad(p.key, "want a path starting with /, got %q", p.v)
		}
	}
	if c.RedisURL != "" {
		if u, err := url.Parse(c.RedisURL); err != nil || (u.Scheme != "redis" && u.Scheme != "rediss" && u.Scheme != "unix") {
			bad("redis_url", "want redis://host:port/db, rediss:// or unix://")
		}
	}
	s := c.Session
	if s.CookieName == "" || strings.ContainsAny(s.CookieName, " ;,=\t\r\n\"") {
		bad("session.cookie_name", "want a cookie token, got %q", s.CookieName)
	}
	if s.IdleTimeout <= 0 {
		bad("session.idle_timeout", "must be positive")
	}
	if s.AbsoluteTimeout < s.IdleTimeout {
		bad("session.absolute_timeout", "must be at least session.idle_timeout")
	}
	switch s.Store {
	case "", "bolt", "memory":
	case "redis":
		if c.RedisURL == "" {
			bad("session.store", "redis needs redis_url (or REDIS_URL, --redis)")
		}
	default:
		bad("session.store", "want bolt, memory or redis, got %q", s.Store)
	}
	t := c.Timeouts
	for _, d := range []struct {
		key string
		v   Duration
	}{{"timeouts.read_header", t.ReadHeader}, {"timeouts.read", t.Read}, {"timeouts.write", t.Write},
		{"timeouts.idle", t.Idle}, {"timeouts.upstream", t.Upstream}, {"timeouts.shutdown", t.Shutdown}} {
		if d.v <= 0 {
			bad(d.key, "must be positive")
		}
	}
	for _, p := range []struct{ key, v string }{{"input.chat_context", c.Input.ChatContext},
		{"input.proxy_context", c.Input.ProxyContext}} {
		if p.v != "chat" && p.v != "strict" {
			bad(p.key, "want chat or strict, got %q", p.v)
		}
	}
	for _, m := range []struct {
		key string
		v   map[string]string
	}{{"input.routes", c.Input.Routes}, {"input.fields", c.Input.Fields}} {
		for k, v := range m.v {
			if v != "chat" && v != "strict" {
				bad(m.key+"."+k, "want chat or strict, got %q", v)
			}
		}
	}
	for p := range c.Input.Routes {
		if !strings.HasPrefix(p, "/") {
			bad("input.routes."+p, "want a path prefix starting with /")
		}
	}
	checkModes := func(key string, modes map[string]string, kinds []scan.Kind) {
		for k, m := range modes {
			if !slices.Contains(kinds, scan.Kind(k)) {
				bad(key+"."+k, "unknown kind (want one of %v)", kinds)
			} else if m != "block" && m != "flag" && m != "off" {
				bad(key+"."+k, "want block, flag or off, got %q", m)
			}
		}
	}
	checkModes("input.modes", c.Input.Modes, scan.InputKinds)
	checkModes("intent.modes", c.Intent.Modes, scan.IntentKinds)
	for k, t := range c.Intent.Thresholds {
		if !slices.Contains(scan.IntentKinds, scan.Kind(k)) {
			bad("intent.thresholds."+k, "unknown kind (want one of %v)", scan.IntentKinds)
		} else if t <= 0 || t >= 1 {
			bad("intent.thresholds."+k, "want a number between 0 and 1, got %v", t)
		}
	}
	if j := c.Intent.Judge; j.URL != "" {
		if u, err := url.Parse(j.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") {
			bad("intent.judge.url", "want an http:// or https:// URL")
		}
		if j.Model == "" {
			bad("intent.judge.model", "must be set when intent.judge.url is")
		}
	}
	c.RateLimits.validate(bad)
	if c.WAF.Rules != "off" && c.WAF.Rules != "crs" {
		bad("waf.rules", "want off or crs, got %q", c.WAF.Rules)
	}
	if c.WAF.Paranoia < 1 || c.WAF.Paranoia > 4 {
		bad("waf.paranoia", "want 1 to 4, got %d", c.WAF.Paranoia)
	}
	if c.Signing.KeyID != "" && c.Upstream == "" {
		bad("signing.key_id", "signing applies to forwarded requests: set upstream too")
	}
	if sc := c.Scripts; sc.Concurrency < 0 || sc.Queue < 0 || sc.MaxTimeout < 0 || sc.MaxMemoryMB < 0 {
		bad("scripts", "concurrency, queue, max_timeout and max_memory_mb must not be negative")
	}
	return errors.Join(errs...)
}
