package procmem_test

import "strconv"

func itoa(n int) string { return strconv.Itoa(n) }

func hex64(n int64) string { return strconv.FormatInt(n, 16) }
