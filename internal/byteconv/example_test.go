package byteconv_test

import (
	"fmt"

	"github.com/mmhex/mmhex/internal/byteconv"
)

func Example() {
	b, _ := byteconv.ParseHex("0x7f, 0x45 4c:46")
	fmt.Printf("% x\n", b)

	o, _ := byteconv.ParseOffset("end-16")
	at, _ := o.Resolve(4096)
	fmt.Println(at)

	n, _ := byteconv.ParseSize("64K")
	fmt.Println(byteconv.FormatSize(n), byteconv.FormatSize(1))

	_, err := byteconv.ParseHex("de ad b")
	fmt.Printf("--fill %q: %v\n", "de ad b", err)
	// Output:
	// 7f 45 4c 46
	// 4080
	// 65536 bytes 1 byte
	// --fill "de ad b": odd number of digits in "b": write each byte as two digits, like 0f
}
