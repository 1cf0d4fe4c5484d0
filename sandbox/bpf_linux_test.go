package sandbox

import (
	"encoding/binary"
	"testing"

	"golang.org/x/sys/unix"
)

// emulate runs a seccomp program on one syscall, as the kernel would, for
// the instructions the compiler emits.
func emulate(t *testing.T, prog []unix.SockFilter, arch, nr uint32, args [6]uint64) uint32 {
	t.Helper()
	var data [64]byte
	binary.LittleEndian.PutUint32(data[offNr:], nr)
	binary.LittleEndian.PutUint32(data[offArch:], arch)
	for i, a := range args {
		binary.LittleEndian.PutUint64(data[offArgs+8*i:], a)
	}
	var acc uint32
	for pc := 0; pc < len(prog); pc++ {
		in := prog[pc]
		switch in.Code {
		case opLdAbs:
			acc = binary.LittleEndian.Uint32(data[in.K:])
		case opRet:
			return in.K
		case opJeq, opJge, opJset:
			var ok bool
			switch in.Code {
			case opJeq:
				ok = acc == in.K
			case opJge:
				ok = acc >= in.K
			default:
				ok = acc&in.K != 0
			}
			if ok {
				pc += int(in.Jt)
			} else {
				pc += int(in.Jf)
			}
		default:
			t.Fatalf("pc %d: unexpected opcode %#x", pc, in.Code)
		}
	}
	t.Fatal("program ran off its end")
	return 0
}

func TestCompiledPolicy(t *testing.T) {
	prog, err := compile(Policy(), auditArch, x32Bit)
	if err != nil {
		t.Fatal(err)
	}
	if len(prog) > 4096 {
		t.Fatalf("program of %d instructions is over the kernel's limit", len(prog))
	}
	eperm := errnoAction(unix.EPERM)
	tests := []struct {
		name string
		arch uint32
		nr   uint32
		args [6]uint64
		want uint32
	}{
		{"read allowed", auditArch, unix.SYS_READ, [6]uint64{}, unix.SECCOMP_RET_ALLOW},
		{"ptrace refused", auditArch, unix.SYS_PTRACE, [6]uint64{}, eperm},
		{"mount refused", auditArch, unix.SYS_MOUNT, [6]uint64{}, eperm},
		{"plain fork allowed", auditArch, unix.SYS_CLONE, [6]uint64{uint64(unix.SIGCHLD)},
			unix.SECCOMP_RET_ALLOW},
		{"thread allowed", auditArch, unix.SYS_CLONE,
			[6]uint64{unix.CLONE_VM | unix.CLONE_THREAD | unix.CLONE_SIGHAND}, unix.SECCOMP_RET_ALLOW},
		{"clone new user refused", auditArch, unix.SYS_CLONE,
			[6]uint64{unix.CLONE_NEWUSER | uint64(unix.SIGCHLD)}, eperm},
		{"clone new net refused", auditArch, unix.SYS_CLONE, [6]uint64{unix.CLONE_NEWNET}, eperm},
		{"clone3 absent", auditArch, unix.SYS_CLONE3, [6]uint64{}, errnoAction(unix.ENOSYS)},
		{"TIOCSTI refused", auditArch, unix.SYS_IOCTL, [6]uint64{0, unix.TIOCSTI}, eperm},
		{"TIOCSTI in high bits refused", auditArch, unix.SYS_IOCTL,
			[6]uint64{0, 1<<32 | unix.TIOCSTI}, eperm},
		{"TCGETS allowed", auditArch, unix.SYS_IOCTL, [6]uint64{0, unix.TCGETS},
			unix.SECCOMP_RET_ALLOW},
		{"foreign arch killed", auditArch ^ 1, unix.SYS_READ, [6]uint64{},
			unix.SECCOMP_RET_KILL_PROCESS},
	}
	if x32Bit != 0 {
		tests = append(tests, struct {
			name string
			arch uint32
			nr   uint32
			args [6]uint64
			want uint32
		}{"x32 refused", auditArch, x32Bit | unix.SYS_READ, [6]uint64{}, eperm})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := emulate(t, prog, tc.arch, tc.nr, tc.args); got != tc.want {
				t.Errorf("action %#x, want %#x", got, tc.want)
			}
		})
	}
}

func TestEveryRuleRefuses(t *testing.T) {
	prog, err := compile(Policy(), auditArch, x32Bit)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range Policy() {
		t.Run(r.Name, func(t *testing.T) {
			var args [6]uint64
			if r.Arg >= 0 {
				args[r.Arg] = uint64(r.Equal | r.Mask)
			}
			if got := emulate(t, prog, auditArch, r.Nr, args); got != errnoAction(r.Errno) {
				t.Errorf("action %#x, want errno %d", got, r.Errno)
			}
		})
	}
}

func TestCompileWithoutArchitecture(t *testing.T) {
	if _, err := compile(Policy(), 0, 0); err == nil {
		t.Error("compiled a filter with no architecture check")
	}
}
