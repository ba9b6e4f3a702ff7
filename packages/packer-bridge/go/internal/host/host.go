// Package host starts the Node host of PROTOCOL.md §2 and talks to it: requests
// on fd 3, replies and events on fd 4, the synchronous call channel on fd 5/6.
package host

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"

	"github.com/imprint-dev/imprint/packages/packer-bridge/go/internal/protocol"
)

// Options say which host to start and for which component.
type Options struct {
	Node, Script                   string
	Kind, Component, Package, From string
	// ReadyTimeout bounds loading the plugin (Node start-up plus imports).
	ReadyTimeout time.Duration
}

// CallHandler answers the host's synchronous calls (fd 6).
type CallHandler func(protocol.Call) protocol.CallReply

// Host is one running host process.
type Host struct {
	Plugin protocol.PluginInfo

	cmd         *exec.Cmd
	requests    *os.File // fd 3, ours to write
	callReplies *os.File // fd 5, ours to write
	writeMu     sync.Mutex

	mu          sync.Mutex
	nextID      int64
	pending     map[int64]*Pending
	callHandler CallHandler
	readErr     error // set once fd 4 ends; later requests fail with it

	exited  chan struct{}
	exitErr error
}

// ErrExited wraps every failure caused by the host process going away.
var ErrExited = errors.New("the Imprint plugin host exited")

var (
	liveMu sync.Mutex
	live   = map[*Host]bool{}
)

// Start launches the host and waits for its ready line.
func Start(o Options) (*Host, error) {
	var parent, child [4]*os.File // fds 3..6 as seen by the host
	for i := range child {
		r, w, err := os.Pipe()
		if err != nil {
			closeAll(parent[:i], child[:i])
			return nil, fmt.Errorf("creating the host's pipes: %w", err)
		}
		// fds 3 and 5 are the host's input, 4 and 6 its output.
		if i%2 == 0 {
			child[i], parent[i] = r, w
		} else {
			child[i], parent[i] = w, r
		}
	}
	cmd := exec.Command(o.Node, o.Script, "--kind", o.Kind, "--component", o.Component,
		"--package", o.Package, "--from", o.From)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	cmd.ExtraFiles = child[:]
	// Its own process group: Packer's Ctrl-C must reach it as a `cancel` request,
	// and the bridge must be able to signal it and everything it started at once.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		closeAll(parent[:], child[:])
		return nil, fmt.Errorf("starting the Imprint plugin host (%s %s): %w; set IMPRINT_BRIDGE_NODE to a Node.js 20+ executable", o.Node, o.Script, err)
	}
	closeAll(child[:])

	h := &Host{
		cmd: cmd, requests: parent[0], callReplies: parent[2],
		pending: map[int64]*Pending{}, exited: make(chan struct{}),
	}
	liveMu.Lock()
	live[h] = true
	liveMu.Unlock()
	go func() {
		h.exitErr = cmd.Wait()
		close(h.exited)
	}()

	replies := bufio.NewReader(parent[1])
	ready := make(chan protocol.Ready, 1)
	readyErr := make(chan error, 1)
	go func() {
		line, err := replies.ReadBytes('\n')
		var r protocol.Ready
		if err == nil {
			err = json.Unmarshal(line, &r)
		}
		if err != nil {
			readyErr <- err
			return
		}
		ready <- r
		if r.Ready {
			h.readLoop(replies)
		}
	}()

	fail := func(err error) (*Host, error) {
		h.Kill(0)
		h.Close()
		return nil, err
	}
	select {
	case r := <-ready:
		if !r.Ready {
			msg := "no reason given"
			if r.Error != nil {
				msg = r.Error.Message
			}
			return fail(fmt.Errorf("the Imprint plugin host could not load %s: %s", o.Package, msg))
		}
		if r.Plugin != nil {
			h.Plugin = *r.Plugin
		}
	case err := <-readyErr:
		<-h.exitedWithin(2 * time.Second)
		return fail(fmt.Errorf("%w before it was ready (%s): %v; its output is in the Packer log (PACKER_LOG=1)", ErrExited, h.status(), err))
	case <-time.After(o.ReadyTimeout):
		return fail(fmt.Errorf("the Imprint plugin host did not load %s within %s; its output is in the Packer log (PACKER_LOG=1), and IMPRINT_BRIDGE_READY_TIMEOUT raises the limit", o.Package, o.ReadyTimeout))
	}
	go h.callLoop(parent[3])
	return h, nil
}

func closeAll(groups ...[]*os.File) {
	for _, g := range groups {
		for _, f := range g {
			if f != nil {
				f.Close()
			}
		}
	}
}

func (h *Host) exitedWithin(d time.Duration) <-chan struct{} {
	c := make(chan struct{})
	go func() {
		select {
		case <-h.exited:
		case <-time.After(d):
		}
		close(c)
	}()
	return c
}

func (h *Host) status() string {
	select {
	case <-h.exited:
		if h.exitErr == nil {
			return "exit status 0"
		}
		return h.exitErr.Error()
	default:
		return "still running"
	}
}

// Pid is the host's process id, which is also its process group id.
func (h *Host) Pid() int { return h.cmd.Process.Pid }

// readLoop dispatches fd 4 until it ends, then fails whatever still waits.
func (h *Host) readLoop(r *bufio.Reader) {
	for {
		line, err := r.ReadBytes('\n')
		if len(line) > 0 {
			var in protocol.Incoming
			if jerr := json.Unmarshal(line, &in); jerr != nil {
				log.Printf("[ERROR] imprint bridge: unreadable line from the host: %v: %q", jerr, line)
			} else {
				h.dispatch(in)
			}
		}
		if err != nil {
			<-h.exitedWithin(2 * time.Second)
			h.mu.Lock()
			h.readErr = fmt.Errorf("%w (%s)", ErrExited, h.status())
			pending := h.pending
			h.pending = map[int64]*Pending{}
			h.mu.Unlock()
			for _, p := range pending {
				p.reply <- protocol.Incoming{ID: p.id, Error: &protocol.Error{Code: protocol.DefaultErrorCode, Message: h.readErr.Error()}}
			}
			return
		}
	}
}

func (h *Host) dispatch(in protocol.Incoming) {
	h.mu.Lock()
	p := h.pending[in.ID]
	if in.Event == "" && p != nil {
		delete(h.pending, in.ID)
	}
	h.mu.Unlock()
	switch {
	case p == nil:
		log.Printf("[WARN] imprint bridge: host sent a line for unknown request %d", in.ID)
	case in.Event != "":
		p.push(in)
	default:
		p.reply <- in
	}
}

// SetCallHandler installs (or, with nil, removes) the answerer of fd 6 calls.
func (h *Host) SetCallHandler(f CallHandler) {
	h.mu.Lock()
	h.callHandler = f
	h.mu.Unlock()
}

func (h *Host) callLoop(calls io.Reader) {
	s := bufio.NewScanner(calls)
	s.Buffer(make([]byte, 64*1024), 64*1024*1024)
	for s.Scan() {
		var c protocol.Call
		reply := protocol.CallReply{Error: "unreadable call"}
		if err := json.Unmarshal(s.Bytes(), &c); err == nil {
			h.mu.Lock()
			handler := h.callHandler
			h.mu.Unlock()
			if handler == nil {
				reply = protocol.CallReply{Error: fmt.Sprintf("call %q outside a postProcess: there is no input artifact", c.Call)}
			} else {
				reply = handler(c)
			}
		}
		if err := h.writeLine(h.callReplies, reply); err != nil {
			log.Printf("[ERROR] imprint bridge: answering the host's call: %v", err)
			return
		}
	}
}

func (h *Host) writeLine(f *os.File, v any) error {
	line, err := json.Marshal(v)
	if err != nil {
		return err
	}
	h.writeMu.Lock()
	defer h.writeMu.Unlock()
	_, err = f.Write(append(line, '\n'))
	return err
}

// Kill signals the host's whole process group: SIGTERM now, SIGKILL after
// grace (at once when grace is 0), reaching whatever the plugin started too.
func (h *Host) Kill(grace time.Duration) {
	pgid := h.cmd.Process.Pid
	if grace <= 0 {
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		return
	}
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	go func() {
		time.Sleep(grace)
		// Even after the host is gone, children it left in its group are killed.
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
	}()
}

// Close ends fd 3 and fd 5: the host aborts what runs and exits (PROTOCOL §2).
func (h *Host) Close() {
	h.writeMu.Lock()
	h.requests.Close()
	h.callReplies.Close()
	h.writeMu.Unlock()
	liveMu.Lock()
	delete(live, h)
	liveMu.Unlock()
}

// Shutdown closes every host this process started, gives each up to wait to
// exit on its own, then kills what is left of its process group.
func Shutdown(wait time.Duration) {
	liveMu.Lock()
	hosts := make([]*Host, 0, len(live))
	for h := range live {
		hosts = append(hosts, h)
	}
	liveMu.Unlock()
	for _, h := range hosts {
		h.Close()
	}
	for _, h := range hosts {
		<-h.exitedWithin(wait)
		h.Kill(0)
	}
}
