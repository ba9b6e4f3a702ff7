package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/packer-plugin-sdk/plugin"
)

func TestPrepareReturnsThePluginsOwnMessage(t *testing.T) {
	p := start(t, binary(t, "docker-like"), "builder", plugin.DEFAULT_NAME, startOptions{dir: t.TempDir()})
	// A legacy JSON template passes a plain map, so an unknown key reaches the plugin.
	_, _, err := p.client.Builder().Prepare(buildVars("docker-like", "web"), map[string]interface{}{"bogus": 1})
	if err == nil {
		t.Fatal("Prepare accepted an unknown key and no base")
	}
	for _, want := range []string{"unknown field 'bogus'", "missing required field 'base'"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Prepare error %q does not contain %q", err, want)
		}
	}
}

// A provisioner that needs a communicator (shell, file) is stopped at its
// first call, not after Packer's 5-minute upload retries, and the artifact the
// plugin already made is destroyed.
func TestProvisionerNeedingACommunicatorFailsAtOnce(t *testing.T) {
	work := t.TempDir()
	p := start(t, binary(t, "docker-like"), "builder", plugin.DEFAULT_NAME, startOptions{dir: work})
	builder := p.client.Builder()
	cfg := decodeHCL(t, builder.ConfigSpec(), "base = \"scratch\"\noutput_dir = \"layout\"\n")
	if _, _, err := builder.Prepare(buildVars("docker-like", "web"), cfg); err != nil {
		t.Fatalf("Prepare: %v", err)
	}
	began := time.Now()
	artifact, err := builder.Run(context.Background(), &testUi{}, &testHook{upload: true})
	took := time.Since(began)
	want := "a provisioner needs a communicator (it called Upload /tmp/script.sh): the Imprint bridge has no communicator"
	if err == nil || !strings.Contains(err.Error(), want) || artifact != nil {
		t.Fatalf("Run = %v, %v; want an error containing %q", artifact, err, want)
	}
	if took > 10*time.Second {
		t.Fatalf("Run took %s: the refused upload was retried", took)
	}
	// docker-like's Destroy removes the layout it created.
	if _, err := os.Stat(filepath.Join(work, "output-web", "layout")); !os.IsNotExist(err) {
		t.Fatalf("the image of the failed build is still there: %v", err)
	}
}

func TestCommunicatorSSHIsRefusedNamingTheSource(t *testing.T) {
	p := start(t, binary(t, "docker-like"), "builder", plugin.DEFAULT_NAME, startOptions{
		dir: t.TempDir(), env: []string{"IMPRINT_BRIDGE_NODE=/nonexistent/node"},
	})
	builder := p.client.Builder()
	cfg := decodeHCL(t, builder.ConfigSpec(), "base = \"scratch\"\ncommunicator = \"ssh\"\n")
	_, _, err := builder.Prepare(buildVars("docker-like", "web"), cfg)
	want := `source "docker-like.web": communicator = "ssh" is not supported by the Imprint bridge`
	if err == nil || !strings.HasPrefix(err.Error(), want) ||
		!strings.Contains(err.Error(), `set communicator = "none"`) || !strings.Contains(err.Error(), "shell-local") {
		t.Fatalf("Prepare error = %v, want it to start with %q and say how to fix it", err, want)
	}
}

func TestAHostThatCannotStartIsAClearPrepareError(t *testing.T) {
	p := start(t, binary(t, "docker-like"), "builder", plugin.DEFAULT_NAME, startOptions{
		dir: t.TempDir(), env: []string{"IMPRINT_BRIDGE_NODE=/nonexistent/node"},
	})
	_, _, err := p.client.Builder().Prepare(buildVars("docker-like", "web"), map[string]interface{}{"base": "scratch"})
	if err == nil || !strings.Contains(err.Error(), "/nonexistent/node") || !strings.Contains(err.Error(), "IMPRINT_BRIDGE_NODE") {
		t.Fatalf("Prepare error = %v", err)
	}
}

// cloudFixture seeds a local aws-like cloud with a base image, as the
// example's own tests do (examples/aws-like/test/helpers.ts).
func cloudFixture(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "cloud")
	script := fmt.Sprintf(`
const { LocalCloud } = require(%q);
new LocalCloud({ dir: %q }).registerImage({
  region: 'us-east-1', name: 'ubuntu/images/ubuntu-22.04-amd64-base', ownerId: '099720109477', os: 'ubuntu',
  files: { '/etc/os-release': 'ID=ubuntu\n' },
}).then((i) => console.log(i.imageId), (e) => { console.error(e); process.exit(1); });
`, filepath.Join(repoRoot, "examples/aws-like"), dir)
	if out, err := exec.Command("node", "-e", script).CombinedOutput(); err != nil {
		t.Fatalf("seeding the cloud: %v\n%s", err, out)
	}
	return dir
}

type proc struct{ pid, ppid, pgrp int }

// procs lists the machine's processes from /proc.
func procs() []proc {
	var out []proc
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// Fields after the command name (which may hold spaces): state, ppid, pgrp.
		fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
		ppid, _ := strconv.Atoi(fields[1])
		pgrp, _ := strconv.Atoi(fields[2])
		out = append(out, proc{pid, ppid, pgrp})
	}
	return out
}

// hostGroup is the process group of the host the plugin process started.
func hostGroup(t *testing.T, pluginPid int) int {
	t.Helper()
	for _, p := range procs() {
		if p.ppid == pluginPid && p.pgrp == p.pid {
			return p.pgrp
		}
	}
	t.Fatalf("no host process group under plugin %d", pluginPid)
	return 0
}

// groupMembers lists the processes of group pgid other than its leader.
func groupMembers(pgid int) []int {
	var out []int
	for _, p := range procs() {
		if p.pgrp == pgid && p.pid != pgid {
			out = append(out, p.pid)
		}
	}
	return out
}

func groupAlive(pgid int) bool {
	return syscall.Kill(-pgid, 0) == nil
}

func waitGroupGone(t *testing.T, pgid int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for groupAlive(pgid) {
		if time.Now().After(deadline) {
			t.Fatalf("process group %d still has processes after %s", pgid, within)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// startSlowBuild prepares an aws-like build whose shell step says "started",
// then sleeps 30 s, and runs it until "started" reaches the Ui.
func startSlowBuild(t *testing.T, grace string) (p *pluginProcess, cancel func(), result chan error, ui *testUi) {
	t.Helper()
	p = start(t, binary(t, "aws-like"), "builder", plugin.DEFAULT_NAME, startOptions{
		dir: t.TempDir(), env: []string{"IMPRINT_BRIDGE_CANCEL_GRACE=" + grace},
	})
	builder := p.client.Builder()
	cfg := decodeHCL(t, builder.ConfigSpec(), fmt.Sprintf(`
region     = "us-east-1"
source_ami_filter {
  name   = "ubuntu/images/*"
  owners = ["099720109477"]
}
ami_name  = "slow"
cloud_dir = %q
provision {
  type   = "shell"
  inline = ["echo started", "sleep 30"]
}
`, cloudFixture(t)))
	if _, _, err := builder.Prepare(buildVars("aws-like", "slow"), cfg); err != nil {
		t.Fatalf("Prepare: %v", err)
	}
	started := make(chan struct{})
	ui = &testUi{}
	ui.onLine = func(s string) {
		if s == "started" {
			close(started)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	result = make(chan error, 1)
	go func() {
		_, err := builder.Run(ctx, ui, &testHook{})
		result <- err
	}()
	select {
	case <-started:
	case err := <-result:
		t.Fatalf("Run ended before the shell step started: %v (Ui %q)", err, ui.Lines())
	case <-time.After(30 * time.Second):
		t.Fatalf("the shell step never said started (Ui %q)", ui.Lines())
	}
	return p, cancel, result, ui
}

func TestCancelStopsTheRunAndLeavesNoProcess(t *testing.T) {
	p, cancel, result, _ := startSlowBuild(t, "10s")
	pgid := hostGroup(t, p.cmd.Process.Pid)
	begun := time.Now()
	cancel()
	var err error
	select {
	case err = <-result:
	case <-time.After(11 * time.Second):
		t.Fatal("Run did not return within the 10 s grace period")
	}
	t.Logf("cancelled after %s: %v", time.Since(begun), err)
	if err == nil || !strings.Contains(err.Error(), "cancelled") {
		t.Fatalf("Run error = %v, want a cancellation", err)
	}
	// The shell step's sleep is gone with the run; only the host itself remains
	// (it still serves the plugin process until that ends).
	deadline := time.Now().Add(3 * time.Second)
	for len(groupMembers(pgid)) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("processes of the cancelled run survive in group %d: %v", pgid, groupMembers(pgid))
		}
		time.Sleep(50 * time.Millisecond)
	}
	// Packer kills the plugin when the build is over: the host must follow.
	p.kill()
	waitGroupGone(t, pgid, 8*time.Second)
}

func TestCancelKillsAHostThatDoesNotStopInTime(t *testing.T) {
	p, cancel, result, _ := startSlowBuild(t, "1ms")
	pgid := hostGroup(t, p.cmd.Process.Pid)
	cancel()
	select {
	case err := <-result:
		if err == nil || !strings.Contains(err.Error(), "did not stop within") {
			t.Fatalf("Run error = %v, want a cancellation", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after the grace period")
	}
	// SIGTERM, then SIGKILL 3 s later, to the whole group (the sleep included),
	// while the plugin process itself keeps running.
	waitGroupGone(t, pgid, 5*time.Second)
	if _, _, err := p.client.Builder().Prepare(buildVars("aws-like", "slow"), map[string]interface{}{}); err == nil {
		t.Error("Prepare after the host was killed succeeded")
	} else {
		t.Logf("Prepare after the kill: %v", err)
	}
}

// Packer SIGKILLs plugins; the host sees its pipes close, aborts the run and
// exits, taking the run's processes with it.
func TestKillingThePluginMidRunEndsItsHost(t *testing.T) {
	p, cancel, _, _ := startSlowBuild(t, "10s")
	defer cancel()
	pgid := hostGroup(t, p.cmd.Process.Pid)
	p.kill()
	waitGroupGone(t, pgid, 8*time.Second)
}
