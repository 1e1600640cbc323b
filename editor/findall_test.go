package editor

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"testing"
)

func TestFindAllAcrossChunks(t *testing.T) {
	data := bytes.Repeat([]byte{1}, 100)
	for _, at := range []int{0, 9, 31, 60, 96} {
		copy(data[at:], []byte{0xE7, 0x03, 0, 0})
	}
	value, _ := BytesPattern("i32le:999", []byte{0xE7, 0x03, 0, 0})
	wild, _ := ParseHexPattern("E7 03 ?? 00")
	for _, tc := range []struct {
		name      string
		p         Pattern
		off, len  int64
		chunk     int
		want      []int64
		wantBytes string
	}{
		{"whole, chunks of 7", value, 0, 100, 7, []int64{0, 9, 31, 60, 96}, "e7030000"},
		{"whole, one chunk", value, 0, 100, 1000, []int64{0, 9, 31, 60, 96}, "e7030000"},
		{"wildcard", wild, 0, 100, 5, []int64{0, 9, 31, 60, 96}, "e7030000"},
		{"a match may end past the range", value, 10, 22, 6, []int64{31}, "e7030000"},
		{"none", value, 10, 21, 4, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []int64
			err := FindAll(context.Background(), &chunkedScanner{data: data, chunk: tc.chunk}, tc.p, tc.off, tc.len, func(at int64, m []byte) error {
				got = append(got, at)
				if string(m) != string([]byte{0xE7, 0x03, 0, 0}) {
					t.Errorf("match at %d is % x", at, m)
				}
				return nil
			})
			if err != nil || !slices.Equal(got, tc.want) {
				t.Errorf("FindAll = %v, %v; want %v", got, err, tc.want)
			}
		})
	}
	stop := errors.New("enough")
	n := 0
	err := FindAll(context.Background(), &chunkedScanner{data: data, chunk: 7}, value, 0, 100, func(int64, []byte) error {
		n++
		if n == 2 {
			return stop
		}
		return nil
	})
	if err != stop || n != 2 {
		t.Errorf("FindAll stopped by fn = %v after %d matches, want its error after 2", err, n)
	}
	if !value.Match([]byte{0xE7, 3, 0, 0, 9}) || value.Match([]byte{0xE7, 3, 0}) {
		t.Error("Match is wrong on a match and on a short slice")
	}
}
