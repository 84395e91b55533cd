package exchange

// Hooks of the job service for the tests of package exchange_test.

// SetJobHook makes f hear every progress report of j's jobs, in the job's
// goroutine: blocking in f holds the import there.
func SetJobHook(j *Jobs, f func(phase string, rows int)) { j.onProgress = f }

// SetJobOwner gives j another owner name, as another server's process.
func SetJobOwner(j *Jobs, owner string) { j.owner = owner }

// JobOwner returns the owner name of j's jobs.
func JobOwner(j *Jobs) string { return j.owner }

// JobsStopping is closed once j's Shutdown has cancelled its jobs.
func JobsStopping(j *Jobs) <-chan struct{} { return j.ctx.Done() }
