package importer

import (
	"context"
	"errors"
	"sort"
	"strings"
	"sync"

	"github.com/bulkagents/bulkagents/agentfile"
	"github.com/bulkagents/bulkagents/awsclient"
	"github.com/bulkagents/bulkagents/report"
)

// Knowing a row's Identity Center conflicts before its Connect user is made
// (docs/aws.md §4). The plan lists the store under a budget; a row the
// listing did not settle is looked up on its own: GetUserId by user name,
// and when no user has that name, GetUserId by email (an email belongs to
// one user only). A dry run does that for every such row before it writes
// anything. A real run does it in a pipeline ahead of the Connect creates:
// the Identity Store allows about 20 calls a second, ten times CreateUser's
// 2, so the lookups of the rows to come are done while earlier rows wait for
// their CreateUser, and cost no wall time. Each row waits for its own
// lookups as its first step: a row whose email belongs to another Identity
// Center user is invalid, as the dry run says, and nothing is made for it.

// aheadWorkers is how many lookups are in flight at once: enough to keep
// ahead of the CreateUser pace, few enough to leave the Identity Store's
// shared rate to the rows' own calls.
const aheadWorkers = 4

// aheadRow is one row's lookups: done is closed when problem and err are
// set.
type aheadRow struct {
	pr      *PlannedRow
	done    chan struct{}
	problem *agentfile.Problem // the row's email belongs to another user
	err     error              // the lookups failed (errLookupSkipped: never sent)
}

// errLookupSkipped is the lookups of a row that the run stopped before
// sending them.
var errLookupSkipped = errors.New("not looked up: the run stopped")

// lookahead runs the lookups of a real run's rows in the rows' order, ahead
// of their Connect creates.
type lookahead struct {
	ic     *IdentityCenter
	rows   map[int]*aheadRow // by input line
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// startLookahead starts the lookups of the jobs that need them (none in a
// dry run, which made them all while planning). stop (the first Ctrl-C)
// ends the sending of lookups; calls (the second) ends those in flight.
func (ic *IdentityCenter) startLookahead(stop, calls context.Context, jobs []Job) *lookahead {
	la := &lookahead{ic: ic, rows: map[int]*aheadRow{}}
	var order []*aheadRow
	for i := range jobs {
		pr := jobs[i].Planned
		if !ic.ahead[pr.Row.Line] {
			continue
		}
		e := &aheadRow{pr: pr, done: make(chan struct{})}
		la.rows[pr.Row.Line] = e
		order = append(order, e)
	}
	ctx, cancel := context.WithCancel(calls)
	la.cancel = cancel
	next := make(chan *aheadRow)
	for range aheadWorkers {
		la.wg.Add(1)
		go func() {
			defer la.wg.Done()
			for e := range next {
				e.problem, e.err = ic.lookUpRow(ctx, e.pr)
				close(e.done)
			}
		}()
	}
	la.wg.Add(1)
	go func() {
		defer la.wg.Done()
		defer close(next)
		for k, e := range order {
			if stop.Err() != nil || ctx.Err() != nil {
				skipLookups(order[k:])
				return
			}
			select {
			case next <- e:
			case <-stop.Done():
				skipLookups(order[k:])
				return
			case <-ctx.Done():
				skipLookups(order[k:])
				return
			}
		}
	}()
	return la
}

func skipLookups(rows []*aheadRow) {
	for _, e := range rows {
		e.err = errLookupSkipped
		close(e.done)
	}
}

// close ends the lookups still running (those of rows that were not
// started) and waits for them.
func (la *lookahead) close() {
	if la == nil {
		return
	}
	la.cancel()
	la.wg.Wait()
}

// step is a row's first step: wait for its lookups, and stop the row if
// they found it invalid or could not be made.
func (la *lookahead) step(p *Provisioner) rowStep {
	return func(_, calls context.Context, r *rowRun) bool {
		e := la.rows[r.job.Planned.Row.Line]
		if e == nil {
			return true
		}
		<-e.done
		o := &r.outcome
		switch {
		case e.problem != nil && r.job.Password == "" && !r.job.MayExist:
			la.ic.lateInvalid(o, e.pr, *e.problem)
			return false
		case e.problem != nil:
			// An interrupted run may have made this row's Connect user: the
			// row goes on, so that what it made stays on record; its
			// Identity Center step then fails with the email's owner.
			return true
		case errors.Is(e.err, errLookupSkipped), e.err != nil && calls.Err() != nil:
			o.Status, o.Error = report.NotAttempted, NotStarted
		case awsclient.Classify(e.err) == awsclient.NotSent:
			o.Status, o.Error = report.NotAttempted, BreakerMessage(p.endpoint())
		case e.err != nil:
			o.Status, o.Error = report.Failed, e.err.Error()+"; nothing was created for this row: run again with --resume"
		default:
			return true
		}
		return false
	}
}

// lateInvalid makes a row that the lookups found invalid the outcome the
// dry run gives it, and keeps its problem for the summary.
func (ic *IdentityCenter) lateInvalid(o *report.Outcome, pr *PlannedRow, p agentfile.Problem) {
	cp := *pr
	cp.Action = ActionInvalid
	cp.Problems = append(append([]agentfile.Problem(nil), pr.Problems...), p)
	inv := invalidOutcome(ic.file, &cp)
	inv.Instance = o.Instance
	*o = inv
	ic.mu.Lock()
	ic.late = append(ic.late, p)
	ic.mu.Unlock()
}

// LateProblems are the problems of the rows that the lookups of a real run
// found invalid, by line.
func (ic *IdentityCenter) LateProblems() []agentfile.Problem {
	if ic == nil {
		return nil
	}
	ic.mu.Lock()
	defer ic.mu.Unlock()
	out := append([]agentfile.Problem(nil), ic.late...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Line < out[j].Line })
	return out
}

// lookUpRow settles what the listing did not of one row: whether its user
// exists (and if so its email and membership), and if not, whether its
// email belongs to another user (the row's problem then).
func (ic *IdentityCenter) lookUpRow(ctx context.Context, pr *PlannedRow) (*agentfile.Problem, error) {
	rp := ic.rows[pr.Row.Line]
	a := pr.Agent
	if rp.user == unknown {
		id, found, err := ic.findUser(ctx, a.Login)
		if err != nil {
			return nil, err
		}
		if !found {
			owner, taken, err := ic.emailOwner(ctx, a.Email)
			if err != nil {
				return nil, err
			}
			rp.user, rp.member = absent, absent
			if taken && !strings.EqualFold(owner, a.Login) {
				p := emailTaken(pr.Row.Line, emailColumn{f: ic.file}.of(pr.Row), a.Email, owner, a.Login)
				return &p, nil
			}
			return nil, nil
		}
		u, err := ic.describeUser(ctx, id)
		if err != nil {
			return nil, err
		}
		rp.user, rp.userID, rp.email = present, id, u.email
		ic.checkReused(pr.Row.Line, a, u)
	}
	if rp.user == present && rp.member == unknown {
		in, err := ic.isMember(ctx, rp.userID)
		if err != nil {
			return nil, err
		}
		rp.member = absent
		if in {
			rp.member = present
		}
	}
	return nil, nil
}
