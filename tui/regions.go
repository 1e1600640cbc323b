package tui

import (
	"fmt"

	"github.com/mmhex/mmhex/internal/byteconv"
	"github.com/mmhex/mmhex/procmem"
)

// gotoRegion moves the editor to the region of the process spec names: an index, a name or a
// module base name, as 'mmhex regions' lists them.
func (a *app) gotoRegion(spec string) error {
	if a.opts.Regions == nil {
		return fmt.Errorf("only a process has regions: open one with mmhex -p PID")
	}
	regions, err := a.opts.Regions()
	if err != nil {
		return err
	}
	chosen := procmem.Select(regions, spec)
	if len(chosen) == 0 {
		return fmt.Errorf("region %q: no such region: give an index, a name or a module (%s lists them)", spec, a.keyFor("regions.list"))
	}
	return a.openRegion(chosen[0])
}

// openRegion replaces the editor with one on region r, in live mode like the one before: live
// mode's ticker stops before the swap and starts again after, so no tick sees a half-made
// switch.
func (a *app) openRegion(r procmem.Region) error {
	s, err := a.opts.OpenRegion(r)
	if err != nil {
		return err
	}
	a.ed.CancelSearch()
	a.searching = ""
	a.stopLive()
	a.ed, a.live = s.Editor, s.Live
	a.opts.Live, a.opts.Base, a.opts.Force = s.Live, s.Base, s.Force
	a.view.SetSource(s.Editor).SetBase(s.Base)
	a.changeItems, a.changesSeq = nil, 0
	if a.changesOn {
		a.fillChanges()
	}
	a.startLive()
	a.say("region " + regionLine(r))
	return nil
}

// listRegions shows the regions panel: every region of the process, start-end perms size name,
// the one on screen chosen; Enter moves the editor to the chosen one.
func (a *app) listRegions() error {
	if a.opts.Regions == nil {
		return fmt.Errorf("only a process has regions: open one with mmhex -p PID")
	}
	regions, err := a.opts.Regions()
	if err != nil {
		return err
	}
	a.regions.Clear()
	for i, r := range regions {
		a.regions.AddItem(regionLine(r), "", 0, func() {
			a.closeOverlay()
			a.check(a.openRegion(r))
		})
		if r.Start == a.opts.Base {
			a.regions.SetCurrentItem(i)
		}
	}
	a.showOverlay(pageRegions)
	return nil
}

// regionLine is a region as the panel lists it, as 'mmhex regions' prints it.
func regionLine(r procmem.Region) string {
	return fmt.Sprintf("%x-%x %s %s %s", r.Start, r.End, r.Perms, byteconv.FormatSizeUnit(r.Size()), r.Name)
}
