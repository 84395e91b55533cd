package auth

import (
	"runtime"
	"testing"
	"time"
)

// TestHashingIsBounded: with every slot taken, a further password check
// waits, without allocating argon2id's 64 MiB, and goes on once a slot
// is free.
func TestHashingIsBounded(t *testing.T) {
	hash := HashPassword("Correct-Horse-1")
	for range maxHashing {
		hashing <- struct{}{}
	}
	released := 0
	defer func() {
		for ; released < maxHashing; released++ {
			<-hashing
		}
	}()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	done := make(chan bool)
	go func() {
		ok, _ := VerifyPassword(hash, "Correct-Horse-1")
		done <- ok
	}()
	select {
	case <-done:
		t.Fatal("a password was checked with every slot taken")
	case <-time.After(300 * time.Millisecond):
	}
	runtime.ReadMemStats(&after)
	if grown := after.TotalAlloc - before.TotalAlloc; grown > argonMemory<<10/2 {
		t.Errorf("a waiting check allocated %d bytes", grown)
	}
	<-hashing
	released++
	select {
	case ok := <-done:
		if !ok {
			t.Error("the right password was refused")
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the check did not go on once a slot was free")
	}
}

// TestHashingInParallel: more checks at once than slots all finish.
func TestHashingInParallel(t *testing.T) {
	hash := HashPassword("Correct-Horse-1")
	n := maxHashing + 2
	done := make(chan bool, n)
	for range n {
		go func() {
			ok, _ := VerifyPassword(hash, "Correct-Horse-1")
			done <- ok
		}()
	}
	for range n {
		if !<-done {
			t.Error("the right password was refused")
		}
	}
	if len(hashing) != 0 {
		t.Errorf("%d slots still taken", len(hashing))
	}
}
