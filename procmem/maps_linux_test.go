package procmem

import "testing"

func TestProcParseMaps(t *testing.T) {
	maps := "00400000-00452000 r-xp 00000000 08:02 173521      /usr/bin/my prog\n" +
		"7ffd1000-7ffd2000 rw-p 00000000 00:00 0 \n" +
		"7f0000000000-7f0000001000 rw-s 00000000 00:05 1234                       /dev/shm/x (deleted)\n" +
		"ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]\n"
	got, err := parseMaps([]byte(maps))
	if err != nil {
		t.Fatal(err)
	}
	want := []Region{
		{0x400000, 0x452000, "r-xp", "/usr/bin/my prog"},
		{0x7ffd1000, 0x7ffd2000, "rw-p", "[anon]"},
		{0x7f0000000000, 0x7f0000001000, "rw-s", "/dev/shm/x (deleted)"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("region %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if m := got[2].Module(); m != "x" {
		t.Errorf("Module() = %q, want x", m)
	}
}

func TestProcParseStat(t *testing.T) {
	tests := []struct {
		name, line string
		want       stat
		ok         bool
	}{
		{"plain", "42 (cat) S 1 42 42 0 -1 4194304 100 0 0 0 0 0 0 0 20 0 1 0 123456 5 6 7", stat{'S', 123456}, true},
		{"name with ) and spaces", "42 (a) b (c) Z 1 42 42 0 -1 4194304 100 0 0 0 0 0 0 0 20 0 1 0 99 0", stat{'Z', 99}, true},
		{"cut short", "42 (cat) S 1 42", stat{}, false},
		{"no name", "42 cat S", stat{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseStat([]byte(tt.line))
			if (err == nil) != tt.ok || got != tt.want {
				t.Errorf("parseStat(%q) = %+v, %v; want %+v, ok %v", tt.line, got, err, tt.want, tt.ok)
			}
		})
	}
}
