/**
 * The container's user in the plan: GitHub's ubuntu runners run the action as `runner` (uid 1001), so
 * the commands inside run as that uid:gid (their files are the runner's), with a HOME inside a mount.
 * As root (a self-hosted runner, a local root shell) the image's own user runs them.
 */
import { describe, expect, it } from 'vitest'
import { makePlan } from '../../src/plan/make-plan.js'
import { renderPlan } from '../../src/plan/render.js'
import { defaultInputs, runnerHost } from '../harness/plan-fixtures.js'

const TEMP = '/home/runner/work/_temp'

describe('the container user in the plan', () => {
  it('a non-root runner: uid:gid and HOME under RUNNER_TEMP, shown in the plan', () => {
    const host = runnerHost('linux', 'x86_64', { user: { uid: 1001, gid: 118 } })
    const plan = makePlan(defaultInputs('linux', { container: 'auto' }), host)
    expect(plan.executor).toMatchObject({
      kind: 'container',
      user: { uid: 1001, gid: 118, home: `${TEMP}/dipy-wheels/home` }
    })
    expect(renderPlan(plan)).toContain(
      `commands as uid 1001:118 with HOME=${TEMP}/dipy-wheels/home, package installs as root)`
    )
  })

  it("root, or no user known: the image's user", () => {
    for (const user of [{ uid: 0, gid: 0 }, undefined]) {
      const host = runnerHost('linux', 'x86_64', user ? { user } : {})
      const plan = makePlan(defaultInputs('linux', { container: 'auto' }), host)
      expect(plan.executor.kind).toBe('container')
      expect(plan.executor).not.toHaveProperty('user')
      expect(renderPlan(plan)).toContain("commands as the image's user)")
    }
  })

  it('container: off has no user to switch to', () => {
    const host = runnerHost('linux', 'x86_64', { user: { uid: 1001, gid: 118 } })
    expect(makePlan(defaultInputs('linux', { container: 'off' }), host).executor).toEqual({
      kind: 'host',
      envId: 'linux-x86_64'
    })
  })
})
