package sandbox_test

import (
	"os"
	"testing"

	"github.com/bulwarkhq/bulwark/sandbox"
)

func TestMain(m *testing.M) {
	if sandbox.IsInit() {
		sandbox.InitMain()
	}
	os.Exit(m.Run())
}
