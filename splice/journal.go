package splice

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// The journal is a file next to the data file: a header that records the operation, the deleted
// and the inserted bytes, then two record slots written in turn. A record says how far the move
// got and, for a chunk whose source and destination overlap, holds the chunk's source bytes,
// because writing the chunk destroys them. A slot is overwritten only once the record in the
// other slot is durable, so after a crash at any point at least one slot holds a whole record
// (CRC-checked), and the one with the higher sequence number is where to go on from.
//
// Layout (little-endian):
//
//	0   magic "MMHEXJ01"
//	8   offset, deleted length, inserted length, old size, chunk size (5 × uint64)
//	48  CRC-32C of the deleted and inserted bytes, CRC-32C of bytes 0–51 (2 × uint32)
//	56  the deleted bytes, then the inserted bytes
//	    slot 0, slot 1 at page-aligned offsets after them
//
// A record: sequence, phase, moved, done, in-flight length (uint64 each, the phase in the low
// byte with bit 8 set when source bytes follow), CRC-32C of those 40 bytes and the data, then the
// data.
const (
	journalMagic  = "MMHEXJ01"
	headerSize    = 56
	recordHeader  = 48
	slotAlignment = 4096
	hasData       = 1 << 8
)

// castagnoli is the CRC-32C table, made on first use: making it takes a fifth of a millisecond,
// which every start of mmhex would pay, though most never read or write a journal.
var castagnoli = sync.OnceValue(func() *crc32.Table { return crc32.MakeTable(crc32.Castagnoli) })

// JournalPath returns where the journal of an insert or delete in the file at path is kept: a
// hidden file in the same directory, .NAME.mmhex-journal. A symbolic link is followed first, so
// the journal sits next to the file itself whichever name opens it.
func JournalPath(path string) string {
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	dir, name := filepath.Split(path)
	return filepath.Join(dir, "."+name+".mmhex-journal")
}

// op is an insert or delete: at Offset, Delete bytes go and Insert bytes come in their place, in
// a file of OldSize bytes.
type op struct {
	Offset, Delete, Insert, OldSize int64
}

func (o op) newSize() int64 { return o.OldSize - o.Delete + o.Insert }

// forwardMove is the move of the bytes after the deleted ones to their new place.
func (o op) forwardMove() move {
	return move{src: o.Offset + o.Delete, dst: o.Offset + o.Insert, n: o.OldSize - o.Offset - o.Delete}
}

// record is the state of the move as the journal keeps it.
type record struct {
	seq   uint64
	phase phase
	// moved is how far the forward move got when it was canceled: the rollback moves that
	// much back.
	moved int64
	// done bytes of the phase's move are in place; the n bytes after them may be in flight.
	done, n int64
	// data is the in-flight chunk's source, kept when writing the chunk overwrites it.
	data []byte
}

// journal is the open journal file of one operation.
type journal struct {
	file  *os.File
	path  string
	op    op
	chunk int64
	slots [2]int64 // where the record slots start
}

func newLayout(o op, chunk int64) [2]int64 {
	base := alignUp(headerSize+o.Delete+o.Insert, slotAlignment)
	slot := alignUp(recordHeader+chunk, slotAlignment)
	return [2]int64{base, base + slot}
}

func alignUp(n, to int64) int64 { return (n + to - 1) / to * to }

// createJournal writes the journal of o at path: the header, the deleted bytes (read from f with
// buf), the inserted ones and the first record, and makes it durable, the directory entry
// included, before the data file is touched. An existing journal is never replaced.
func createJournal(path string, f File, o op, insert []byte, chunk int64, buf []byte, perm fs.FileMode, noSync bool) (*journal, error) {
	file, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return nil, err
	}
	j := &journal{file: file, path: path, op: o, chunk: chunk, slots: newLayout(o, chunk)}
	if err := j.writeNew(f, insert, buf, noSync); err != nil {
		file.Close()
		os.Remove(path)
		return nil, err
	}
	return j, nil
}

func (j *journal) writeNew(f File, insert, buf []byte, noSync bool) error {
	bytesCRC := crc32.New(castagnoli())
	at := int64(headerSize)
	for done := int64(0); done < j.op.Delete; {
		n := min(int64(len(buf)), j.op.Delete-done)
		if _, err := f.ReadAt(buf[:n], j.op.Offset+done); err != nil {
			return fmt.Errorf("reading the bytes to delete: %w", err)
		}
		bytesCRC.Write(buf[:n])
		if _, err := j.file.WriteAt(buf[:n], at+done); err != nil {
			return err
		}
		done += n
	}
	bytesCRC.Write(insert)
	if _, err := j.file.WriteAt(insert, at+j.op.Delete); err != nil {
		return err
	}
	h := make([]byte, headerSize)
	copy(h, journalMagic)
	for i, v := range []int64{j.op.Offset, j.op.Delete, j.op.Insert, j.op.OldSize, j.chunk} {
		binary.LittleEndian.PutUint64(h[8+8*i:], uint64(v))
	}
	binary.LittleEndian.PutUint32(h[48:], bytesCRC.Sum32())
	binary.LittleEndian.PutUint32(h[52:], crc32.Checksum(h[:52], castagnoli()))
	if _, err := j.file.WriteAt(h, 0); err != nil {
		return err
	}
	if err := j.writeRecord(record{phase: forward}, noSync); err != nil {
		return err
	}
	if noSync {
		return nil
	}
	return syncDir(filepath.Dir(j.path))
}

// errBadJournal says that a journal holds no whole header or record: it was being written when
// its process stopped, before the data file was touched.
var errBadJournal = errors.New("incomplete journal")

// openJournal reads the journal at path and its latest whole record.
func openJournal(path string) (*journal, record, error) {
	file, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, record{}, err
	}
	j := &journal{file: file, path: path}
	rec, err := j.read()
	if err != nil {
		file.Close()
		return nil, record{}, err
	}
	return j, rec, nil
}

func (j *journal) read() (record, error) {
	h := make([]byte, headerSize)
	if _, err := j.file.ReadAt(h, 0); err != nil {
		if errors.Is(err, io.EOF) {
			return record{}, errBadJournal
		}
		return record{}, err
	}
	if string(h[:8]) != journalMagic || binary.LittleEndian.Uint32(h[52:]) != crc32.Checksum(h[:52], castagnoli()) {
		return record{}, errBadJournal
	}
	var v [5]int64
	for i := range v {
		v[i] = int64(binary.LittleEndian.Uint64(h[8+8*i:]))
	}
	j.op = op{Offset: v[0], Delete: v[1], Insert: v[2], OldSize: v[3]}
	j.chunk = v[4]
	if v[0] < 0 || v[1] < 0 || v[2] < 0 || v[3] < 0 || v[4] <= 0 || v[0] > v[3] || v[1] > v[3]-v[0] || v[2] > 1<<62 || v[4] > 1<<40 {
		return record{}, errBadJournal
	}
	j.slots = newLayout(j.op, j.chunk)
	best, found := record{}, false
	for _, slot := range j.slots {
		rec, ok := j.readRecord(slot)
		if ok && (!found || rec.seq > best.seq) {
			best, found = rec, true
		}
	}
	if !found {
		return record{}, errBadJournal
	}
	return best, nil
}

// readRecord reads the record in the slot at off; ok is false when it is not whole.
func (j *journal) readRecord(off int64) (record, bool) {
	h := make([]byte, recordHeader)
	if _, err := j.file.ReadAt(h, off); err != nil {
		return record{}, false
	}
	u := func(i int) uint64 { return binary.LittleEndian.Uint64(h[8*i:]) }
	rec := record{seq: u(0), phase: phase(u(1) & 0xff), moved: int64(u(2)), done: int64(u(3)), n: int64(u(4))}
	if rec.n < 0 || rec.n > j.chunk || rec.done < 0 || rec.moved < 0 || (rec.phase != forward && rec.phase != rollback) {
		return record{}, false
	}
	sum := crc32.New(castagnoli())
	sum.Write(h[:40])
	if u(1)&hasData != 0 {
		rec.data = make([]byte, rec.n)
		if _, err := j.file.ReadAt(rec.data, off+recordHeader); err != nil {
			return record{}, false
		}
		sum.Write(rec.data)
	}
	if sum.Sum32() != binary.LittleEndian.Uint32(h[40:]) {
		return record{}, false
	}
	return rec, true
}

// writeRecord writes rec into its slot and, unless noSync, makes it durable.
func (j *journal) writeRecord(rec record, noSync bool) error {
	b := make([]byte, recordHeader)
	kind := uint64(rec.phase)
	if rec.data != nil {
		kind |= hasData
	}
	for i, v := range []uint64{rec.seq, kind, uint64(rec.moved), uint64(rec.done), uint64(rec.n)} {
		binary.LittleEndian.PutUint64(b[8*i:], v)
	}
	sum := crc32.New(castagnoli())
	sum.Write(b[:40])
	sum.Write(rec.data)
	binary.LittleEndian.PutUint32(b[40:], sum.Sum32())
	// The data first: a reader takes the record only when header and data agree with the CRC.
	if _, err := j.file.WriteAt(rec.data, j.slots[rec.seq%2]+recordHeader); err != nil {
		return fmt.Errorf("writing the journal %s: %w", j.path, err)
	}
	if _, err := j.file.WriteAt(b, j.slots[rec.seq%2]); err != nil {
		return fmt.Errorf("writing the journal %s: %w", j.path, err)
	}
	if noSync {
		return nil
	}
	if err := j.file.Sync(); err != nil {
		return fmt.Errorf("syncing the journal %s: %w", j.path, err)
	}
	return nil
}

// copyOut writes the journal's bytes [from, from+n) (the deleted or inserted bytes) to f at at.
func (j *journal) copyOut(f File, from, n, at int64, buf []byte) error {
	for done := int64(0); done < n; {
		k := min(int64(len(buf)), n-done)
		if _, err := j.file.ReadAt(buf[:k], from+done); err != nil {
			return fmt.Errorf("reading the journal %s: %w", j.path, err)
		}
		if _, err := f.WriteAt(buf[:k], at+done); err != nil {
			return err
		}
		done += k
	}
	return nil
}

// remove deletes the journal, durably unless noSync: the operation is over.
func (j *journal) remove(noSync bool) error {
	j.file.Close()
	if err := os.Remove(j.path); err != nil {
		return fmt.Errorf("removing the journal %s: %w", j.path, err)
	}
	if noSync {
		return nil
	}
	return syncDir(filepath.Dir(j.path))
}

// checkBytes reports whether the deleted and inserted bytes are whole. The header's CRC covers
// them; they are checked before any of them is written back.
func (j *journal) checkBytes(buf []byte) error {
	h := make([]byte, headerSize)
	if _, err := j.file.ReadAt(h, 0); err != nil {
		return err
	}
	sum := crc32.New(castagnoli())
	total := j.op.Delete + j.op.Insert
	for done := int64(0); done < total; {
		k := min(int64(len(buf)), total-done)
		if _, err := j.file.ReadAt(buf[:k], headerSize+done); err != nil {
			return errBadJournal
		}
		sum.Write(buf[:k])
		done += k
	}
	if sum.Sum32() != binary.LittleEndian.Uint32(h[48:]) {
		return errBadJournal
	}
	return nil
}
