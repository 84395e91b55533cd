package main

import (
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// startChild runs the test binary again as a child running only the test
// named test, with env set to args joined by \x1f (the child's orders), and
// returns it with its standard error, where the child says how far it got.
// The caller kills it with killChild.
func startChild(t *testing.T, test, env string, args ...string) (*exec.Cmd, io.Reader) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$", "-test.v")
	cmd.Env = append(os.Environ(), env+"="+strings.Join(args, "\x1f"))
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, stderr
}

// killChild kills the child without warning (SIGKILL) and reaps it.
func killChild(cmd *exec.Cmd) {
	cmd.Process.Kill()
	cmd.Wait()
}
