package sandbox

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// installSeccomp loads a compiled filter on the calling thread, from which
// the program is then forked. no_new_privs must already be set.
func installSeccomp(prog []unix.SockFilter) error {
	fprog := unix.SockFprog{Len: uint16(len(prog)), Filter: &prog[0]}
	_, _, errno := unix.RawSyscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, 0,
		uintptr(unsafe.Pointer(&fprog)))
	if errno != 0 {
		return fmt.Errorf("load filter: %w", errno)
	}
	return nil
}
