package component

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
)

// errNoCommunicator is what provisioners that need a machine get.
var errNoCommunicator = errors.New("the Imprint bridge has no communicator: Imprint builders hand over no machine " +
	"to connect to, so provisioners that run commands or copy files on it (shell, file, ansible…) cannot run. " +
	"Use provisioners that run on the build machine, such as shell-local, or do the work in the builder's own configuration")

// refusingCommunicator is handed to Packer's provisioning hook: shell-local
// never touches it. The first call of any other provisioner is refused and
// cancels the hook's context: Packer's shell and file provisioners retry a
// failed upload until start_retry_timeout (5 minutes by default), and the
// answer will not change.
type refusingCommunicator struct {
	cancel context.CancelFunc
	mu     sync.Mutex
	call   string // the first refused call, e.g. "Upload /tmp/script_123.sh"
}

var _ packersdk.Communicator = (*refusingCommunicator)(nil)

func (c *refusingCommunicator) refuse(call string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.call == "" {
		c.call = call
		c.cancel()
	}
	return errNoCommunicator
}

// refused is the first refused call, "" when there was none.
func (c *refusingCommunicator) refused() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.call
}

func (c *refusingCommunicator) Start(_ context.Context, cmd *packersdk.RemoteCmd) error {
	return c.refuse(fmt.Sprintf("Start %q", cmd.Command))
}
func (c *refusingCommunicator) Upload(path string, _ io.Reader, _ *os.FileInfo) error {
	return c.refuse("Upload " + path)
}
func (c *refusingCommunicator) UploadDir(dst, _ string, _ []string) error {
	return c.refuse("UploadDir " + dst)
}
func (c *refusingCommunicator) Download(path string, _ io.Writer) error {
	return c.refuse("Download " + path)
}
func (c *refusingCommunicator) DownloadDir(src, _ string, _ []string) error {
	return c.refuse("DownloadDir " + src)
}

// provision runs Packer's provisioners after the plugin's build. When one
// needs a communicator, it stops at its first call and the error says so.
func provision(ctx context.Context, ui packersdk.Ui, hook packersdk.Hook) error {
	hookCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	comm := &refusingCommunicator{cancel: cancel}
	err := hook.Run(hookCtx, packersdk.HookProvision, ui, comm, nil)
	if call := comm.refused(); call != "" {
		return fmt.Errorf("a provisioner needs a communicator (it called %s): %w", call, errNoCommunicator)
	}
	return err
}
