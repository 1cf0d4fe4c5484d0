package sandbox

// The supervisor and the init talk over two pipes with one JSON value per
// message: setup then job on the control pipe, ready then done on the report
// pipe. The payload's standard streams are fds 0-2 of the init, the control
// pipe fd 3, the report pipe fd 4, and the bind sources follow from fd 5.
const (
	fdControl = 3
	fdReport  = 4
	fdBind0   = 5
)

// initEnv and initArg0 mark a process as the sandbox init, together with
// being PID 1: bulwark itself may well be PID 1 of a container.
const (
	initEnv  = "BULWARK_SANDBOX_INIT"
	initArg0 = "bulwark-sandbox-init"
)

// setupMsg tells the init how to build the file system.
type setupMsg struct {
	Mounts   []mountMsg
	Symlinks [][2]string // link path, target
	Landlock int         // Landlock ABI to use; zero means none
}

// mountMsg is one bind: the n-th passed fd goes to Target.
type mountMsg struct {
	Target string
	Dir    bool
}

// jobMsg is the program to run.
type jobMsg struct {
	Args     []string
	Env      []string
	Files    []File
	Limits   Limits
	Seccomp  bool
	NoCgroup bool // apply process and address-space rlimits instead
}

// reportMsg is what the init says: Ready after setup, then Done after the
// program, or Step and Err when a setup step failed.
type reportMsg struct {
	Ready    bool   `json:",omitempty"`
	Done     bool   `json:",omitempty"`
	Step     string `json:",omitempty"`
	Err      string `json:",omitempty"`
	Exit     int
	Signal   int
	CPUUS    int64 // user+system of every reaped process
	MaxRSSKB int64
}
