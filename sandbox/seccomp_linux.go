package sandbox

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// installSeccomp loads the filter of [Policy] on the calling thread, from
// which the program is then forked. no_new_privs must already be set.
func installSeccomp() error {
	prog, err := compile(Policy(), auditArch, x32Bit)
	if err != nil {
		return err
	}
	fprog := unix.SockFprog{Len: uint16(len(prog)), Filter: &prog[0]}
	_, _, errno := unix.RawSyscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, 0,
		uintptr(unsafe.Pointer(&fprog)))
	if errno != 0 {
		return fmt.Errorf("load filter: %w", errno)
	}
	return nil
}
