package sandbox_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/bulwarkhq/bulwark/sandbox"
)

// Run starts a fresh sandbox for one program. The binary must hand over to
// the init first thing in main. The example is not run by go test: it needs
// root.
func ExampleRun() {
	// In main: if sandbox.IsInit() { sandbox.InitMain() }
	res, err := sandbox.Run(context.Background(), sandbox.Spec{
		Args:   []string{"/bin/sh", "-c", "echo hello from $(id -u)"},
		Binds:  []sandbox.Bind{{Path: "/usr/bin"}, {Path: "/usr/lib"}, {Path: "/usr/lib64"}},
		Limits: sandbox.Limits{CPU: time.Second, Memory: 64 << 20},
	})
	if err != nil {
		log.Fatal(err) // the sandbox failed; the program never ran
	}
	fmt.Print(res.Status, ": ", string(res.Stdout))
}
