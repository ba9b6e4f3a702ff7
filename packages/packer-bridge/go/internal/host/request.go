package host

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"sync"
	"time"

	"github.com/imprint-dev/imprint/packages/packer-bridge/go/internal/protocol"
)

// KillGrace is how long the process group has between SIGTERM and SIGKILL.
const KillGrace = 3 * time.Second

// ErrCancelled marks the error of a request that was cancelled
// (errors.Is(err, ErrCancelled)); the error's text is the cause alone.
var ErrCancelled = errors.New("cancelled")

type cancelledError struct{ cause error }

func (e cancelledError) Error() string        { return e.cause.Error() }
func (e cancelledError) Unwrap() []error      { return []error{ErrCancelled, e.cause} }
func cancelled(format string, a ...any) error { return cancelledError{fmt.Errorf(format, a...)} }

// Pending is a request waiting for its reply. Events queue without bound so
// that the fd 4 reader never blocks on a slow Ui (an `ask` can take minutes,
// and replies to other requests must still get through meanwhile).
type Pending struct {
	id     int64
	reply  chan protocol.Incoming
	mu     sync.Mutex
	events []protocol.Incoming
	notify chan struct{}
}

func (p *Pending) push(e protocol.Incoming) {
	p.mu.Lock()
	p.events = append(p.events, e)
	p.mu.Unlock()
	select {
	case p.notify <- struct{}{}:
	default:
	}
}

func (p *Pending) drain(onEvent func(protocol.Incoming)) {
	p.mu.Lock()
	events := p.events
	p.events = nil
	p.mu.Unlock()
	for _, e := range events {
		if onEvent != nil {
			onEvent(e)
		}
	}
}

// send writes one request line: the body's fields plus id and op.
func (h *Host) send(op string, body any) (*Pending, error) {
	fields := map[string]json.RawMessage{}
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("encoding the %s request: %w", op, err)
		}
		if err := json.Unmarshal(raw, &fields); err != nil {
			return nil, fmt.Errorf("encoding the %s request: %w", op, err)
		}
	}
	h.mu.Lock()
	if h.readErr != nil {
		h.mu.Unlock()
		return nil, h.readErr
	}
	h.nextID++
	p := &Pending{id: h.nextID, reply: make(chan protocol.Incoming, 1), notify: make(chan struct{}, 1)}
	h.pending[p.id] = p
	h.mu.Unlock()
	fields["id"], _ = json.Marshal(p.id)
	fields["op"], _ = json.Marshal(op)
	if err := h.writeLine(h.requests, fields); err != nil {
		h.mu.Lock()
		delete(h.pending, p.id)
		h.mu.Unlock()
		return nil, fmt.Errorf("%w: sending %s: %v", ErrExited, op, err)
	}
	return p, nil
}

// Call sends a request that is answered at once (prepare, state, destroy…)
// and decodes its result into out.
func (h *Host) Call(op string, body, out any) error {
	return h.Do(context.Background(), op, body, out, nil, 0)
}

// Do sends a request and waits for its reply, passing events to onEvent.
// When ctx ends it sends `cancel`; if no reply comes within grace, it kills the
// host's process group and returns at once. Either way the error wraps ErrCancelled.
func (h *Host) Do(ctx context.Context, op string, body, out any, onEvent func(protocol.Incoming), grace time.Duration) error {
	p, err := h.send(op, body)
	if err != nil {
		return err
	}
	done := ctx.Done()
	var graceOver <-chan time.Time
	wasCancelled := false
	for {
		select {
		case <-p.notify:
			p.drain(onEvent)
		case r := <-p.reply:
			p.drain(onEvent)
			if r.Error != nil || r.OK == nil || !*r.OK {
				perr := r.Error
				if perr == nil {
					perr = &protocol.Error{Code: protocol.DefaultErrorCode, Message: "the host replied without a result"}
				}
				if wasCancelled {
					return cancelledError{perr}
				}
				return perr
			}
			if out != nil && len(r.Result) > 0 {
				if err := json.Unmarshal(r.Result, out); err != nil {
					return fmt.Errorf("reading the host's %s result: %w", op, err)
				}
			}
			if wasCancelled {
				// The plugin finished before it saw the cancellation; Packer still
				// asked to stop, so the result is not used.
				return cancelled("%s finished as it was cancelled, so its result is not used", op)
			}
			return nil
		case <-done:
			done, wasCancelled = nil, true
			graceOver = time.After(grace)
			if _, err := h.send(protocol.OpCancel, protocol.CancelRequest{Target: p.id}); err != nil {
				log.Printf("[WARN] imprint bridge: sending cancel: %v", err)
			}
		case <-graceOver:
			h.mu.Lock()
			delete(h.pending, p.id)
			h.mu.Unlock()
			h.Kill(KillGrace)
			return cancelled("the plugin did not stop within %s of the cancellation, so its host was terminated (IMPRINT_BRIDGE_CANCEL_GRACE sets this limit)", grace)
		}
	}
}
