package sandbox

import "golang.org/x/sys/unix"

// auditArch is the seccomp architecture value of native syscalls.
const auditArch = unix.AUDIT_ARCH_X86_64

// x32Bit marks x32 syscalls, which share the native architecture value and
// must be refused by number.
const x32Bit = 0x40000000

func archRules() []Rule {
	return []Rule{
		deny("iopl", unix.SYS_IOPL),
		deny("ioperm", unix.SYS_IOPERM),
		deny("uselib", unix.SYS_USELIB),
	}
}
