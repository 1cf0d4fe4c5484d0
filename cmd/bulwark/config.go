package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"go.yaml.in/yaml/v3"

	"github.com/bulwarkhq/bulwark/gateway"
)

// defaultUsersFile is where `bulwark user add` and `bulwark serve` look for
// users when nothing else is configured.
const defaultUsersFile = "data/users"

// loadConfigFile applies a YAML (.yaml, .yml) or TOML (.toml) file on top of
// cfg. Unknown keys are errors that name the key.
func loadConfigFile(cfg *gateway.Config, path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read config: %w", err)
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".yaml", ".yml":
		dec := yaml.NewDecoder(bytes.NewReader(b))
		dec.KnownFields(true)
		if err := dec.Decode(cfg); err != nil && !errors.Is(err, io.EOF) { // io.EOF: empty file
			return fmt.Errorf("config %s: %v", path, err)
		}
	case ".toml":
		md, err := toml.Decode(string(b), cfg)
		if err != nil {
			return fmt.Errorf("config %s: %v", path, err)
		}
		if und := md.Undecoded(); len(und) > 0 {
			keys := make([]string, len(und))
			for i, k := range und {
				keys[i] = k.String()
			}
			return fmt.Errorf("config %s: unknown key %s", path, strings.Join(keys, ", "))
		}
	default:
		return fmt.Errorf("config %s: want a .yaml, .yml or .toml file", path)
	}
	return nil
}

// readDotEnv reads KEY=VALUE lines from path. A missing file is not an error.
// Values may be quoted with ' or "; # starts a comment line.
func readDotEnv(path string) (map[string]string, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	vars := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.TrimPrefix(line, "export ")
		k, v, ok := strings.Cut(line, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" || strings.ContainsAny(k, " \t") {
			return nil, fmt.Errorf("%s line %d: want KEY=VALUE", path, n)
		}
		v = strings.TrimSpace(v)
		if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
			v = v[1 : len(v)-1]
		}
		vars[k] = v
	}
	return vars, sc.Err()
}

// envLookup returns a lookup that prefers the process environment and falls
// back to the .env values: the environment overrides .env.
func envLookup(dotenv map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		if v, ok := os.LookupEnv(k); ok {
			return v, true
		}
		v, ok := dotenv[k]
		return v, ok
	}
}

// envBinding ties an environment variable to a configuration key.
type envBinding struct {
	name string
	key  string
	set  func(c *gateway.Config, v string) error
}

func setString(p func(*gateway.Config) *string) func(*gateway.Config, string) error {
	return func(c *gateway.Config, v string) error { *p(c) = v; return nil }
}

func setBool(p func(*gateway.Config) *bool) func(*gateway.Config, string) error {
	return func(c *gateway.Config, v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("want true or false, got %q", v)
		}
		*p(c) = b
		return nil
	}
}

func setDuration(p func(*gateway.Config) *gateway.Duration) func(*gateway.Config, string) error {
	return func(c *gateway.Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("want a duration such as 30s, got %q", v)
		}
		*p(c) = gateway.Duration(d)
		return nil
	}
}

// envBindings lists every environment variable serve reads besides the
// secret keys, in the README's order.
var envBindings = []envBinding{
	{"BULWARK_ADDR", "addr", setString(func(c *gateway.Config) *string { return &c.Addr })},
	{"BULWARK_UPSTREAM", "upstream", setString(func(c *gateway.Config) *string { return &c.Upstream })},
	{"BULWARK_ENV", "env", setString(func(c *gateway.Config) *string { return &c.Env })},
	{"BULWARK_DATA_DIR", "data_dir", setString(func(c *gateway.Config) *string { return &c.DataDir })},
	{"BULWARK_USERS", "users_file", setString(func(c *gateway.Config) *string { return &c.UsersFile })},
	{"BULWARK_LOG_FILE", "log_file", setString(func(c *gateway.Config) *string { return &c.LogFile })},
	{"BULWARK_LOG_LEVEL", "log_level", setString(func(c *gateway.Config) *string { return &c.LogLevel })},
	{"BULWARK_TLS_CERT", "tls_cert", setString(func(c *gateway.Config) *string { return &c.TLSCert })},
	{"BULWARK_TLS_KEY", "tls_key", setString(func(c *gateway.Config) *string { return &c.TLSKey })},
	{"REDIS_URL", "redis_url", setString(func(c *gateway.Config) *string { return &c.RedisURL })},
	{"BULWARK_TRUSTED_ORIGINS", "trusted_origins", func(c *gateway.Config, v string) error {
		c.TrustedOrigins = splitList(v)
		return nil
	}},
	{"BULWARK_BODY_LIMIT", "body_limit", func(c *gateway.Config, v string) error {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return fmt.Errorf("want a number of bytes, got %q", v)
		}
		c.BodyLimit = n
		return nil
	}},
	{"BULWARK_SESSION_STORE", "session.store", setString(func(c *gateway.Config) *string { return &c.Session.Store })},
	{"BULWARK_SESSION_SECURE", "session.secure", setBool(func(c *gateway.Config) *bool { return &c.Session.Secure })},
	{"BULWARK_SESSION_IDLE_TIMEOUT", "session.idle_timeout",
		setDuration(func(c *gateway.Config) *gateway.Duration { return &c.Session.IdleTimeout })},
	{"BULWARK_SESSION_ABSOLUTE_TIMEOUT", "session.absolute_timeout",
		setDuration(func(c *gateway.Config) *gateway.Duration { return &c.Session.AbsoluteTimeout })},
}

func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// applyEnv applies the environment (and .env) on top of cfg.
func applyEnv(cfg *gateway.Config, lookup func(string) (string, bool)) error {
	for _, b := range envBindings {
		v, ok := lookup(b.name)
		if !ok {
			continue
		}
		if err := b.set(cfg, v); err != nil {
			return fmt.Errorf("%s (%s): %v", b.name, b.key, err)
		}
	}
	return nil
}

// serveFlags are the command-line options of serve. Only flags the user set
// override the configuration.
type serveFlags struct {
	fs      *flag.FlagSet
	config  string
	origins stringList
}

type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

// flagBindings ties each serve flag to its configuration key.
var flagBindings = []struct {
	flag, key, usage string
	set              func(c *gateway.Config, v string) error
}{
	{"addr", "addr", "listen address (host:port)", setString(func(c *gateway.Config) *string { return &c.Addr })},
	{"upstream", "upstream", "backend URL to protect; empty serves the built-in demo assistant",
		setString(func(c *gateway.Config) *string { return &c.Upstream })},
	{"users", "users_file", "users file (default DATA_DIR/users)", setString(func(c *gateway.Config) *string { return &c.UsersFile })},
	{"env", "env", "development or production", setString(func(c *gateway.Config) *string { return &c.Env })},
	{"data-dir", "data_dir", "directory for the generated key, users and sessions",
		setString(func(c *gateway.Config) *string { return &c.DataDir })},
	{"log-file", "log_file", `JSON log file ("-" for standard error only)`,
		setString(func(c *gateway.Config) *string { return &c.LogFile })},
	{"log-level", "log_level", "debug, info, warn or error", setString(func(c *gateway.Config) *string { return &c.LogLevel })},
	{"tls-cert", "tls_cert", "TLS certificate file (PEM)", setString(func(c *gateway.Config) *string { return &c.TLSCert })},
	{"tls-key", "tls_key", "TLS key file (PEM)", setString(func(c *gateway.Config) *string { return &c.TLSKey })},
	{"redis", "redis_url", "Redis URL for shared state (redis://127.0.0.1:6379/0)",
		setString(func(c *gateway.Config) *string { return &c.RedisURL })},
	{"session-store", "session.store", "bolt, memory or redis", setString(func(c *gateway.Config) *string { return &c.Session.Store })},
	{"waf", "waf.rules", "optional WAF in front of the layers: off or crs (OWASP Core Rule Set)",
		setString(func(c *gateway.Config) *string { return &c.WAF.Rules })},
	{"waf-paranoia", "waf.paranoia", "Core Rule Set paranoia level, 1 to 4", func(c *gateway.Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("want 1 to 4, got %q", v)
		}
		c.WAF.Paranoia = n
		return nil
	}},
}

func newServeFlags(stderr io.Writer) *serveFlags {
	sf := &serveFlags{fs: flag.NewFlagSet("serve", flag.ContinueOnError)}
	sf.fs.SetOutput(stderr)
	sf.fs.StringVar(&sf.config, "config", "", "configuration file (.yaml, .yml or .toml)")
	for _, b := range flagBindings {
		sf.fs.String(b.flag, "", b.usage)
	}
	sf.fs.Var(&sf.origins, "trusted-origin", "scheme://host[:port] allowed to send cross-origin requests (repeatable)")
	return sf
}

// apply sets the configuration keys of the flags given on the command line.
func (sf *serveFlags) apply(cfg *gateway.Config) error {
	var err error
	sf.fs.Visit(func(f *flag.Flag) {
		if err != nil {
			return
		}
		for _, b := range flagBindings {
			if b.flag == f.Name {
				if e := b.set(cfg, f.Value.String()); e != nil {
					err = fmt.Errorf("--%s: %v", f.Name, e)
				}
			}
		}
	})
	if len(sf.origins) > 0 {
		cfg.TrustedOrigins = sf.origins
	}
	return err
}

// loadServeConfig builds the configuration in the documented precedence:
// defaults, then the config file, then .env, then the environment, then flags.
func loadServeConfig(sf *serveFlags, lookup func(string) (string, bool)) (gateway.Config, error) {
	cfg := gateway.DefaultConfig()
	path := sf.config
	if path == "" {
		path, _ = lookup("BULWARK_CONFIG")
	}
	if path != "" {
		if err := loadConfigFile(&cfg, path); err != nil {
			return cfg, err
		}
	}
	if err := applyEnv(&cfg, lookup); err != nil {
		return cfg, err
	}
	if err := sf.apply(&cfg); err != nil {
		return cfg, err
	}
	if cfg.UsersFile == "" {
		cfg.UsersFile = filepath.Join(cfg.DataDir, "users")
	}
	return cfg, cfg.Validate()
}
