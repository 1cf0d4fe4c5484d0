package sandbox

import (
	"errors"

	"golang.org/x/sys/unix"
)

// Offsets into struct seccomp_data.
const (
	offNr   = 0
	offArch = 4
	offArgs = 16 // each argument is 8 bytes; the low half comes first
)

// BPF opcodes used by the compiler.
const (
	opLdAbs = unix.BPF_LD | unix.BPF_W | unix.BPF_ABS
	opJeq   = unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K
	opJge   = unix.BPF_JMP | unix.BPF_JGE | unix.BPF_K
	opJset  = unix.BPF_JMP | unix.BPF_JSET | unix.BPF_K
	opRet   = unix.BPF_RET | unix.BPF_K
)

func stmt(op uint16, k uint32) unix.SockFilter { return unix.SockFilter{Code: op, K: k} }

func jump(op uint16, k uint32, jt, jf uint8) unix.SockFilter {
	return unix.SockFilter{Code: op, Jt: jt, Jf: jf, K: k}
}

// compile turns a policy into a seccomp BPF program. The program checks the
// architecture first, then each rule in order, and allows what no rule
// refuses. Every rule is a short block, so no jump needs more than 8 bits.
func compile(rules []Rule, arch uint32, x32 uint32) ([]unix.SockFilter, error) {
	if arch == 0 {
		return nil, errors.New("compile seccomp filter: no syscall table for this architecture")
	}
	p := []unix.SockFilter{
		stmt(opLdAbs, offArch),
		jump(opJeq, arch, 1, 0),
		stmt(opRet, unix.SECCOMP_RET_KILL_PROCESS),
		stmt(opLdAbs, offNr),
	}
	if x32 != 0 {
		p = append(p, jump(opJge, x32, 0, 1), stmt(opRet, errnoAction(unix.EPERM)))
	}
	for _, r := range rules {
		p = append(p, compileRule(r)...)
	}
	return append(p, stmt(opRet, unix.SECCOMP_RET_ALLOW)), nil
}

// compileRule returns a block that starts and ends with the syscall number
// loaded in the accumulator.
func compileRule(r Rule) []unix.SockFilter {
	ret := stmt(opRet, errnoAction(r.Errno))
	if r.Arg < 0 {
		return []unix.SockFilter{jump(opJeq, r.Nr, 0, 1), ret}
	}
	test := jump(opJeq, r.Equal, 0, 1)
	if r.Mask != 0 {
		test = jump(opJset, r.Mask, 0, 1)
	}
	return []unix.SockFilter{
		jump(opJeq, r.Nr, 0, 4),
		stmt(opLdAbs, uint32(offArgs+8*r.Arg)),
		test,
		ret,
		stmt(opLdAbs, offNr),
	}
}

func errnoAction(e unix.Errno) uint32 {
	return unix.SECCOMP_RET_ERRNO | uint32(e)&unix.SECCOMP_RET_DATA
}
