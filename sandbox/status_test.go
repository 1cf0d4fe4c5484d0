package sandbox_test

import (
	"encoding/json"
	"testing"

	"github.com/bulwarkhq/bulwark/sandbox"
)

func TestStatusText(t *testing.T) {
	for s, want := range map[sandbox.Status]string{
		sandbox.StatusOK: "ok", sandbox.StatusError: "error", sandbox.StatusTimeout: "timeout",
		sandbox.StatusMemoryLimit: "memory_limit", sandbox.StatusOutputLimit: "output_limit",
		sandbox.StatusKilled: "killed", sandbox.StatusSandboxError: "sandbox_error",
	} {
		t.Run(want, func(t *testing.T) {
			b, err := json.Marshal(s)
			if err != nil || string(b) != `"`+want+`"` || s.String() != want {
				t.Fatalf("marshal %v: %s %v", s, b, err)
			}
			var back sandbox.Status
			if err := json.Unmarshal(b, &back); err != nil || back != s {
				t.Errorf("unmarshal %s: %v %v", b, back, err)
			}
		})
	}
	if _, err := sandbox.Status(99).MarshalText(); err == nil {
		t.Error("marshalled an unknown status")
	}
}

func TestLimitDefaults(t *testing.T) {
	l := sandbox.Limits{}.WithDefaults()
	if l.CPU != sandbox.DefaultCPU || l.Wall != 2*sandbox.DefaultCPU ||
		l.Memory != sandbox.DefaultMemory || l.Processes != sandbox.DefaultProcesses ||
		l.Output != sandbox.DefaultOutput || l.TmpInodes != sandbox.DefaultTmpInodes {
		t.Errorf("zero limits became %+v", l)
	}
}
