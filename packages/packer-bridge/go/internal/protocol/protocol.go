// Package protocol holds the messages of PROTOCOL.md §2–4, the contract between
// the bridge binary and the Node host. Field names are the JSON names there.
package protocol

import "encoding/json"

// Request ops (fd 3).
const (
	OpPrepare     = "prepare"
	OpRun         = "run"
	OpPostProcess = "postProcess"
	OpExecute     = "execute"
	OpCancel      = "cancel"
	OpAnswer      = "answer"
	OpState       = "state"
	OpDestroy     = "destroy"
)

// Event kinds (fd 4, with the id of the request they belong to).
const (
	EventSay      = "say"
	EventMessage  = "message"
	EventError    = "error"
	EventProgress = "progress"
	EventAsk      = "ask"
)

// Calls (fd 6) a post-processor's input artifact makes.
const (
	CallInputState   = "input.state"
	CallInputDestroy = "input.destroy"
)

// DefaultErrorCode is what the host sends for an error without a code.
const DefaultErrorCode = "IMPRINT_BRIDGE_ERROR"

// Ready is the first line on fd 4.
type Ready struct {
	Ready  bool        `json:"ready"`
	Plugin *PluginInfo `json:"plugin,omitempty"`
	Error  *Error      `json:"error,omitempty"`
}

// PluginInfo names the plugin the host loaded.
type PluginInfo struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Error is a failed reply's error: Message is the plugin's text, unchanged.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *Error) Error() string { return e.Message }

// Build is the `build` field of `prepare`.
type Build struct {
	Name   string         `json:"name"`
	Type   string         `json:"type"`
	Force  bool           `json:"force"`
	Packer map[string]any `json:"packer"`
}

// PrepareRequest carries the merged configuration.
type PrepareRequest struct {
	Config map[string]any `json:"config"`
	Build  Build          `json:"build"`
}

// PrepareResult is the reply to `prepare`.
type PrepareResult struct {
	Warnings []string `json:"warnings"`
}

// ArtifactInfo is an input artifact as `postProcess` sends it.
type ArtifactInfo struct {
	BuilderID string   `json:"builderId"`
	ID        string   `json:"id"`
	Files     []string `json:"files"`
	String    string   `json:"string"`
}

// Artifact is ARTIFACT: an artifact that lives in the host, behind Handle.
type Artifact struct {
	Handle string `json:"handle"`
	ArtifactInfo
}

// PostProcessRequest is the `postProcess` request.
type PostProcessRequest struct {
	Input ArtifactInfo `json:"input"`
}

// RunResult is the reply to `run`.
type RunResult struct {
	Artifact *Artifact `json:"artifact"`
}

// PostProcessResult is the reply to `postProcess`.
type PostProcessResult struct {
	Artifact  *Artifact `json:"artifact"`
	KeepInput bool      `json:"keepInput"`
}

// ExecuteResult is the reply to `execute`.
type ExecuteResult struct {
	Outputs map[string]json.RawMessage `json:"outputs"`
}

// CancelRequest asks the host to abort a running request.
type CancelRequest struct {
	Target int64 `json:"target"`
}

// AnswerRequest answers an `ask` event.
type AnswerRequest struct {
	Ask    int64   `json:"ask"`
	Answer *string `json:"answer,omitempty"`
	Error  *string `json:"error,omitempty"`
}

// HandleRequest addresses an artifact in the host (`state` adds Key).
type HandleRequest struct {
	Handle string `json:"handle"`
	Key    string `json:"key,omitempty"`
}

// StateResult is the reply to `state`.
type StateResult struct {
	Value json.RawMessage `json:"value"`
}

// Incoming is any line on fd 4: a reply (OK set) or an event (Event set).
type Incoming struct {
	ID     int64           `json:"id"`
	OK     *bool           `json:"ok,omitempty"`
	Result json.RawMessage `json:"result,omitempty"`
	Error  *Error          `json:"error,omitempty"`

	Event     string `json:"event,omitempty"`
	Text      string `json:"text,omitempty"`
	Step      string `json:"step,omitempty"`
	Completed *int64 `json:"completed,omitempty"`
	Total     *int64 `json:"total,omitempty"`
	Ask       int64  `json:"ask,omitempty"`
	Question  string `json:"question,omitempty"`
}

// Call is a line on fd 6.
type Call struct {
	Call string `json:"call"`
	Key  string `json:"key,omitempty"`
}

// CallReply is a line on fd 5.
type CallReply struct {
	OK    bool   `json:"ok"`
	Value any    `json:"value"`
	Error string `json:"error,omitempty"`
}
