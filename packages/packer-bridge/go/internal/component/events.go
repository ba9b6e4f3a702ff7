package component

import (
	"fmt"
	"log"

	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"

	"github.com/imprint-dev/imprint/packages/packer-bridge/go/internal/host"
	"github.com/imprint-dev/imprint/packages/packer-bridge/go/internal/protocol"
)

// uiEvents passes a run's events to Packer's Ui.
func uiEvents(h *host.Host, ui packersdk.Ui) func(protocol.Incoming) {
	return func(e protocol.Incoming) {
		switch e.Event {
		case protocol.EventSay:
			ui.Say(e.Text)
		case protocol.EventMessage:
			ui.Message(e.Text)
		case protocol.EventError:
			ui.Error(e.Text)
		case protocol.EventProgress:
			ui.Message(progressText(e))
		case protocol.EventAsk:
			// Asked on its own goroutine: the person may take minutes, and the
			// run's other events and a cancellation must not wait for them.
			go func(ask int64, question string) {
				req := protocol.AnswerRequest{Ask: ask}
				if answer, err := ui.Ask(question); err != nil {
					msg := err.Error()
					req.Error = &msg
				} else {
					req.Answer = &answer
				}
				if err := h.Call(protocol.OpAnswer, req, nil); err != nil {
					log.Printf("[ERROR] imprint bridge: answering ask %d: %v", ask, err)
				}
			}(e.Ask, e.Question)
		default:
			log.Printf("[WARN] imprint bridge: unknown event %q from the host", e.Event)
		}
	}
}

// logEvents is for data sources, which Packer gives no Ui.
func logEvents(h *host.Host) func(protocol.Incoming) {
	return func(e protocol.Incoming) {
		switch e.Event {
		case protocol.EventProgress:
			log.Printf("[INFO] %s", progressText(e))
		case protocol.EventAsk:
			msg := "data sources cannot ask questions: Packer gives them no Ui"
			if err := h.Call(protocol.OpAnswer, protocol.AnswerRequest{Ask: e.Ask, Error: &msg}, nil); err != nil {
				log.Printf("[ERROR] imprint bridge: answering ask %d: %v", e.Ask, err)
			}
		default:
			log.Printf("[INFO] %s: %s", e.Event, e.Text)
		}
	}
}

func progressText(e protocol.Incoming) string {
	if e.Completed != nil && e.Total != nil {
		return fmt.Sprintf("%s (%d/%d)", e.Step, *e.Completed, *e.Total)
	}
	if e.Completed != nil {
		return fmt.Sprintf("%s (%d)", e.Step, *e.Completed)
	}
	return e.Step
}
