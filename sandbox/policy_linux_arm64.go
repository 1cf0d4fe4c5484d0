package sandbox

import "golang.org/x/sys/unix"

// auditArch is the seccomp architecture value of native syscalls.
const auditArch = unix.AUDIT_ARCH_AARCH64

// x32Bit is zero: arm64 has no second ABI under the same architecture value.
const x32Bit = 0

func archRules() []Rule { return nil }
