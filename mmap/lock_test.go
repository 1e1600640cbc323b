package mmap

import (
	"context"
	"errors"
	"testing"
	"time"
)

// checkLockExcludes locks a, then has b lock the same object from another goroutine: b must
// report that it waits and get the lock only once a has let go.
func checkLockExcludes(t *testing.T, a, b *Mapping) {
	t.Helper()
	unlockA, err := a.Lock(func() { t.Error("the first Lock waited, with no other holder") })
	if err != nil {
		t.Fatal(err)
	}
	waiting, acquired := make(chan struct{}), make(chan error, 1)
	go func() {
		unlockB, err := b.Lock(func() { close(waiting) })
		if err == nil {
			err = unlockB()
		}
		acquired <- err
	}()
	select {
	case <-waiting:
	case err := <-acquired:
		t.Fatalf("the second Lock returned (%v) while the first held the lock", err)
	}
	select {
	case err := <-acquired:
		t.Fatalf("the second Lock returned (%v) while the first still held the lock", err)
	default:
	}
	if err := unlockA(); err != nil {
		t.Fatal(err)
	}
	if err := <-acquired; err != nil {
		t.Fatalf("the second Lock after unlock: %v", err)
	}
	if err := unlockA(); err != nil {
		t.Errorf("unlock called twice = %v, want nil", err)
	}
}

func TestLockFileExcludes(t *testing.T) {
	path := writeTemp(t, randomBytes(4096, 7))
	a, b := mustOpen(t, path, ReadWrite), mustOpen(t, path, ReadOnly)
	checkLockExcludes(t, a, b)
}

// namedMappings creates a named mapping and opens it n-1 more times, each closed when the test
// ends; the creator comes first.
func namedMappings(t *testing.T, n int) []*Mapping {
	t.Helper()
	if !namedSupported() {
		t.Skip("no named mappings on this system")
	}
	name := uniqueName(t)
	created, err := CreateNamed(name, 4096)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { created.Close() })
	all := []*Mapping{created}
	for range n - 1 {
		m, err := OpenNamed(name, ReadWrite)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { m.Close() })
		all = append(all, m)
	}
	return all
}

func TestLockNamedExcludes(t *testing.T) {
	m := namedMappings(t, 2)
	checkLockExcludes(t, m[1], m[0])
}

// TestLockEndsWithClose checks that a mapping closed while locked lets the next holder in at
// once (the descriptor's close releases it on POSIX; on Windows unlock still releases it).
func TestLockEndsWithClose(t *testing.T) {
	path := writeTemp(t, randomBytes(4096, 8))
	a, b := mustOpen(t, path, ReadWrite), mustOpen(t, path, ReadWrite)
	unlockA, err := a.Lock(nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if err := unlockA(); err != nil {
		t.Errorf("unlock after Close = %v, want nil", err)
	}
	unlockB, err := b.Lock(func() { t.Error("Lock waited for a closed mapping's lock") })
	if err != nil {
		t.Fatal(err)
	}
	if err := unlockB(); err != nil {
		t.Error(err)
	}
	if _, err := a.Lock(nil); !errors.Is(err, ErrClosed) {
		t.Errorf("Lock after Close = %v, want ErrClosed", err)
	}
}

// checkLockContext locks a, then has b wait for the same lock with LockContext: canceled, b
// returns at once with the context's error, having said once that it waits, and holds nothing, so
// that c gets the lock without waiting once a lets go; not canceled, b gets it when a lets go.
func checkLockContext(t *testing.T, a, b, c *Mapping) {
	t.Helper()
	unlockA, err := a.Lock(nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	time.AfterFunc(50*time.Millisecond, cancel)
	waits := 0
	start := time.Now()
	unlockB, err := b.LockContext(ctx, func() { waits++ })
	if !errors.Is(err, context.Canceled) {
		if err == nil {
			unlockB()
		}
		t.Fatalf("LockContext canceled while another held the lock = %v, want context.Canceled", err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("LockContext took %v to see its cancel", took)
	}
	if waits != 1 {
		t.Errorf("LockContext called waiting %d times, want once", waits)
	}
	if err := unlockA(); err != nil {
		t.Fatal(err)
	}
	third, cancelThird := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancelThird()
	unlockC, err := c.LockContext(third, func() { t.Error("the canceled LockContext left the lock held") })
	if err != nil {
		t.Fatalf("lock after a canceled wait: %v", err)
	}

	waiting, acquired := make(chan struct{}), make(chan error, 1)
	go func() {
		unlockB, err := b.LockContext(context.Background(), func() { close(waiting) })
		if err == nil {
			err = unlockB()
		}
		acquired <- err
	}()
	select {
	case <-waiting:
	case err := <-acquired:
		t.Fatalf("LockContext returned (%v) while another held the lock", err)
	}
	if err := unlockC(); err != nil {
		t.Fatal(err)
	}
	if err := <-acquired; err != nil {
		t.Fatalf("LockContext after the holder let go: %v", err)
	}
}

func TestLockContextFile(t *testing.T) {
	path := writeTemp(t, randomBytes(4096, 9))
	checkLockContext(t, mustOpen(t, path, ReadWrite), mustOpen(t, path, ReadWrite), mustOpen(t, path, ReadOnly))
}

func TestLockContextNamed(t *testing.T) {
	m := namedMappings(t, 3)
	checkLockContext(t, m[0], m[1], m[2])
}
