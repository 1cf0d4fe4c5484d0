package sandbox

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Landlock access rights (uapi/linux/landlock.h).
const (
	llExecute    = 1 << 0
	llWriteFile  = 1 << 1
	llReadFile   = 1 << 2
	llReadDir    = 1 << 3
	llAllFSv1    = 1<<13 - 1
	llRefer      = 1 << 13 // ABI 2
	llTruncate   = 1 << 14 // ABI 3
	llIoctlDev   = 1 << 15 // ABI 5
	llNetTCP     = 1<<0 | 1<<1
	llScopeAll   = 1<<0 | 1<<1 // abstract unix sockets, signals (ABI 6)
	llPathRule   = 1
	llVersionArg = 1
)

// landlockABI returns the kernel's Landlock ABI version, or 0 without it.
func landlockABI() int {
	v, _, errno := unix.RawSyscall(unix.SYS_LANDLOCK_CREATE_RULESET, 0, 0, llVersionArg)
	if errno != 0 {
		return 0
	}
	return int(v)
}

// landlockRuleset builds the ruleset for the program: read and execute
// everywhere, write only below /tmp and the working directory and to the
// device nodes; on ABI 4+ no TCP at all, on ABI 6+ no abstract unix sockets
// or signals outside the sandbox. It returns the ruleset's fd.
func landlockRuleset(abi int) (int, error) {
	fs := uint64(llAllFSv1)
	if abi >= 2 {
		fs |= llRefer
	}
	if abi >= 3 {
		fs |= llTruncate
	}
	if abi >= 5 {
		fs |= llIoctlDev
	}
	attr := struct{ fs, net, scoped uint64 }{fs: fs}
	size := uintptr(8)
	if abi >= 4 {
		attr.net, size = llNetTCP, 16
	}
	if abi >= 6 {
		attr.scoped, size = llScopeAll, 24
	}
	rfd, _, errno := unix.RawSyscall(unix.SYS_LANDLOCK_CREATE_RULESET,
		uintptr(unsafe.Pointer(&attr)), size, 0) // the fd is close-on-exec
	if errno != 0 {
		return -1, fmt.Errorf("create ruleset: %w", errno)
	}
	read := uint64(llExecute | llReadFile | llReadDir)
	rules := []struct {
		path   string
		access uint64
	}{
		{"/", read},
		{"/tmp", fs},
		{WorkDir, fs},
		{"/dev/null", llReadFile | llWriteFile | llTruncate},
		{"/dev/zero", llReadFile | llWriteFile | llTruncate},
		{"/dev/random", llReadFile},
		{"/dev/urandom", llReadFile},
	}
	for _, r := range rules {
		if err := addPathRule(int(rfd), r.path, r.access&fs); err != nil {
			unix.Close(int(rfd))
			return -1, err
		}
	}
	return int(rfd), nil
}

// landlockRestrict confines the calling thread, and so the program forked
// from it, with the ruleset, and closes it.
func landlockRestrict(rfd int) error {
	defer unix.Close(rfd)
	_, _, errno := unix.RawSyscall(unix.SYS_LANDLOCK_RESTRICT_SELF, uintptr(rfd), 0, 0)
	if errno != 0 {
		return fmt.Errorf("restrict self: %w", errno)
	}
	return nil
}

func addPathRule(rfd int, path string, access uint64) error {
	fd, err := unix.Open(path, unix.O_PATH|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer unix.Close(fd)
	// struct landlock_path_beneath_attr is packed: u64 then s32.
	var attr [12]byte
	*(*uint64)(unsafe.Pointer(&attr[0])) = access
	*(*int32)(unsafe.Pointer(&attr[8])) = int32(fd)
	_, _, errno := unix.RawSyscall6(unix.SYS_LANDLOCK_ADD_RULE, uintptr(rfd), llPathRule,
		uintptr(unsafe.Pointer(&attr[0])), 0, 0, 0)
	if errno != 0 {
		return fmt.Errorf("add rule %s: %w", path, errno)
	}
	return nil
}
