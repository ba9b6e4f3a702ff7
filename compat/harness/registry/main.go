package registry

import (
	"fmt"
	"os"
	"testing"

	"github.com/imprint-dev/imprint/compat/harness/coverage"
)

// Main is a contract suite's TestMain body: it starts the suite (envFlags go
// to `imprint-registry env`), calls setup for every run, runs the tests, and
// on a full run reports the coverage check setup returned for each run
// (label names it). It returns the exit code.
func Main(m *testing.M, label string, envFlags []string, setup func(s *Suite, r *Run) (check func() error, err error)) int {
	suite, err := StartSuite(envFlags...)
	if err != nil {
		fmt.Fprintln(os.Stderr, "contract:", err)
		return 1
	}
	defer func() {
		if err := suite.Close(); err != nil {
			fmt.Fprintln(os.Stderr, "contract:", err)
		}
	}()
	checks := make([]func() error, len(suite.Runs))
	for i, r := range suite.Runs {
		if checks[i], err = setup(suite, r); err != nil {
			fmt.Fprintf(os.Stderr, "contract: the registry on %s: %v\n", r.Engine, err)
			return 1
		}
	}
	code := m.Run()
	if coverage.FullRun() {
		// Only a full run calls every operation; checked even when a test
		// failed, so that one run reports every gap.
		for i, r := range suite.Runs {
			if !coverage.Report(label, r.Engine, checks[i]()) {
				code = 1
			}
		}
	}
	return code
}
