// Package script is the policy on top of package sandbox: it maps a language
// to its interpreter, applies default and maximum limits, and produces the
// result object shared by `bulwark exec --json` and POST /api/scripts/run.
package script

// Request is one script to run, as POST /api/scripts/run receives it.
type Request struct {
	Language      string  `json:"language"` // python, sh or node
	Code          string  `json:"code"`
	Stdin         string  `json:"stdin,omitempty"`
	TimeoutS      float64 `json:"timeout_s,omitempty"`       // CPU limit in seconds; zero means the default
	MemoryLimitMB int     `json:"memory_limit_mb,omitempty"` // zero means the default
}

// Result is the outcome of one run, spelled as in the outside contract.
type Result struct {
	Status          string `json:"status"` // ok, error, timeout, memory_limit, output_limit, killed, sandbox_error
	ExitCode        int    `json:"exit_code"`
	Signal          string `json:"signal"`
	Stdout          string `json:"stdout"`
	Stderr          string `json:"stderr"`
	StdoutTruncated bool   `json:"stdout_truncated"`
	StderrTruncated bool   `json:"stderr_truncated"`
	WallMS          int64  `json:"wall_ms"`
	CPUMS           int64  `json:"cpu_ms"`
	MaxRSSKB        int64  `json:"max_rss_kb"`
	// Reason says in one line why the run did not end with status ok.
	Reason string `json:"reason,omitempty"`
	// Degraded lists protections this host could not give the run, such as
	// a cgroup memory limit; empty on a fully capable host.
	Degraded []string `json:"degraded,omitempty"`
}
