package sandbox

import "golang.org/x/sys/unix"

// nsFlags are the clone flags that create namespaces.
const nsFlags = unix.CLONE_NEWUSER | unix.CLONE_NEWNS | unix.CLONE_NEWPID |
	unix.CLONE_NEWNET | unix.CLONE_NEWIPC | unix.CLONE_NEWUTS |
	unix.CLONE_NEWCGROUP | unix.CLONE_NEWTIME

func deny(name string, nr uintptr) Rule {
	return Rule{Name: name, Nr: uint32(nr), Arg: -1, Errno: unix.EPERM}
}

// Policy returns the syscall policy of the seccomp filter: everything not
// listed is allowed, everything listed fails with its errno, and a syscall of
// any architecture but the native one kills the process.
func Policy() []Rule {
	rules := []Rule{
		deny("ptrace", unix.SYS_PTRACE),
		deny("process_vm_readv", unix.SYS_PROCESS_VM_READV),
		deny("process_vm_writev", unix.SYS_PROCESS_VM_WRITEV),
		deny("mount", unix.SYS_MOUNT),
		deny("umount2", unix.SYS_UMOUNT2),
		deny("pivot_root", unix.SYS_PIVOT_ROOT),
		deny("chroot", unix.SYS_CHROOT),
		deny("unshare", unix.SYS_UNSHARE),
		deny("setns", unix.SYS_SETNS),
		deny("keyctl", unix.SYS_KEYCTL),
		deny("add_key", unix.SYS_ADD_KEY),
		deny("request_key", unix.SYS_REQUEST_KEY),
		deny("bpf", unix.SYS_BPF),
		deny("perf_event_open", unix.SYS_PERF_EVENT_OPEN),
		deny("userfaultfd", unix.SYS_USERFAULTFD),
		deny("io_uring_setup", unix.SYS_IO_URING_SETUP),
		deny("io_uring_enter", unix.SYS_IO_URING_ENTER),
		deny("io_uring_register", unix.SYS_IO_URING_REGISTER),
		deny("kexec_load", unix.SYS_KEXEC_LOAD),
		deny("kexec_file_load", unix.SYS_KEXEC_FILE_LOAD),
		deny("init_module", unix.SYS_INIT_MODULE),
		deny("finit_module", unix.SYS_FINIT_MODULE),
		deny("delete_module", unix.SYS_DELETE_MODULE),
		deny("reboot", unix.SYS_REBOOT),
		deny("swapon", unix.SYS_SWAPON),
		deny("swapoff", unix.SYS_SWAPOFF),
		deny("syslog", unix.SYS_SYSLOG),
		deny("open_by_handle_at", unix.SYS_OPEN_BY_HANDLE_AT),
		deny("name_to_handle_at", unix.SYS_NAME_TO_HANDLE_AT),
		deny("personality", unix.SYS_PERSONALITY),
		deny("acct", unix.SYS_ACCT),
		deny("quotactl", unix.SYS_QUOTACTL),
		deny("fsopen", unix.SYS_FSOPEN),
		deny("fsmount", unix.SYS_FSMOUNT),
		deny("fspick", unix.SYS_FSPICK),
		deny("fsconfig", unix.SYS_FSCONFIG),
		deny("move_mount", unix.SYS_MOVE_MOUNT),
		deny("open_tree", unix.SYS_OPEN_TREE),
		deny("mount_setattr", unix.SYS_MOUNT_SETATTR),
		{Name: "clone", Nr: unix.SYS_CLONE, Arg: 0, Mask: nsFlags, Errno: unix.EPERM},
		// clone3 passes its flags in memory, out of the filter's reach: make
		// it look absent so that libc falls back to clone.
		{Name: "clone3", Nr: unix.SYS_CLONE3, Arg: -1, Errno: unix.ENOSYS},
		{Name: "ioctl", Nr: unix.SYS_IOCTL, Arg: 1, Equal: unix.TIOCSTI, Errno: unix.EPERM},
		{Name: "ioctl", Nr: unix.SYS_IOCTL, Arg: 1, Equal: unix.TIOCLINUX, Errno: unix.EPERM},
	}
	return append(rules, archRules()...)
}
