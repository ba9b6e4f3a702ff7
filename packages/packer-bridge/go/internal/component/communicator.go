package component

import (
	"context"
	"errors"
	"io"
	"os"

	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
)

// errNoCommunicator is what provisioners that need a machine get.
var errNoCommunicator = errors.New("the Imprint bridge has no communicator: Imprint builders hand over no machine " +
	"to connect to, so provisioners that run commands or copy files on it (shell, file, ansible…) cannot run. " +
	"Use provisioners that run on the build machine, such as shell-local")

// noCommunicator is handed to Packer's provisioning hook: shell-local never
// touches it, and anything else fails with errNoCommunicator.
type noCommunicator struct{}

var _ packersdk.Communicator = noCommunicator{}

func (noCommunicator) Start(context.Context, *packersdk.RemoteCmd) error { return errNoCommunicator }
func (noCommunicator) Upload(string, io.Reader, *os.FileInfo) error      { return errNoCommunicator }
func (noCommunicator) UploadDir(string, string, []string) error          { return errNoCommunicator }
func (noCommunicator) Download(string, io.Writer) error                  { return errNoCommunicator }
func (noCommunicator) DownloadDir(string, string, []string) error        { return errNoCommunicator }
