/**
 * The whole job, walked from the plan: plan → checkout → dependencies, build, repair, test (on the host or
 * in a container: the same code through another Runner) → artifact → upload → report. The report is
 * written even when a step fails, so the summary shows how far it got.
 */
import * as core from '@actions/core'
import * as fs from 'node:fs'
import { githubCache } from './cache/github.js'
import { checkEngine } from './container/engine.js'
import { withContainer } from './container/runner.js'
import { ActionError } from './errors.js'
import { ExecRunner, type Runner } from './exec.js'
import type { HostFacts } from './host.js'
import type { ActionInputs } from './inputs.js'
import { makePlan } from './plan/make-plan.js'
import { renderPlan } from './plan/render.js'
import type { BuildPlan } from './plan/types.js'
import { uploadArtifact } from './publish/artifact.js'
import { recordProvenance } from './stages/provenance.js'
import { describeDecision, tokenFor } from './publish/target.js'
import { siblingWarning } from './ref.js'
import { report, type RunReport } from './report.js'
import { withCheckoutBackend } from './stages/backend.js'
import { withSourceDateEpoch } from './stages/reproducible.js'
import { checkout } from './stages/checkout.js'
import { publish, PublishError } from './stages/publish.js'
import { buildWheels, type WheelsContext, type WheelsResult } from './stages/wheels.js'
import { Timings } from './util/timings.js'

/** Runs the build stages on the plan's executor: this runner, or a container started for them and always removed. */
async function onExecutor(
  plan: BuildPlan,
  host: HostFacts,
  hostRunner: Runner,
  fn: (runner: Runner, root: boolean) => Promise<WheelsResult>
): Promise<WheelsResult> {
  const ex = plan.executor
  if (ex.kind === 'host') return fn(hostRunner, host.root)
  // A bind-mount source the daemon has to create is created as root: every one is made here first, as
  // the action's user, and so is the HOME the commands inside get.
  for (const dir of [...ex.mounts, ...(ex.user ? [ex.user.home] : [])]) fs.mkdirSync(dir, { recursive: true })
  return withContainer(
    {
      image: ex.image,
      mounts: ex.mounts,
      passEnv: ex.passEnv,
      hostEnv: host.env,
      runner: hostRunner,
      ...(ex.user ? { user: ex.user } : {})
    },
    (container) => fn(container, true)
  )
}

/** fail-fast: false: what failed ends the step, after the others were published. */
function throwIfFailed(plan: BuildPlan, r: RunReport): void {
  if (r.failures.length === 0) return
  const lines = r.failures.map((f) => `- Python ${f.python}, ${f.step}: ${f.message.split('\n')[0]}`)
  const ok = r.wheels.map((w) => w.name)
  throw new ActionError(
    `${r.failures.length} of ${plan.pythons.length} Python versions failed:\n${lines.join('\n')}` +
      (ok.length ? `\nThese wheels were made: ${ok.join(', ')}` : '')
  )
}

export async function runPipeline(
  inputs: ActionInputs,
  host: HostFacts,
  hostRunner: Runner = new ExecRunner(host.env)
): Promise<RunReport> {
  // Everything the inputs make impossible fails here, before any process or request.
  const plan = makePlan(inputs, host)
  const timings = new Timings()
  const r: RunReport = { plan, wheels: [], failures: [], timings: timings.steps }
  core.info(describeDecision(plan.upload))
  const sibling = siblingWarning(host.workflowRef, host.workspace)
  if (sibling) core.warning(sibling)
  if (inputs.keepVersions > 0 && plan.upload.target !== 'nightly') {
    core.info(`keep-versions ${inputs.keepVersions} is ignored: it applies to nightly uploads only.`)
  }
  try {
    if (plan.lastStep === 'plan') {
      core.info(renderPlan(plan))
      return r
    }
    const ex = plan.executor
    if (ex.kind === 'container' && plan.lastStep !== 'checkout') {
      // Engine, daemon, socket permission and image, before the clone: nothing is cloned for a run that
      // cannot build.
      await timings.time('container engine', () =>
        checkEngine({
          engine: 'docker',
          image: ex.image,
          hostEnv: host.env,
          runner: hostRunner,
          uid: host.user?.uid
        })
      )
    }
    r.checkout = await timings.time('checkout', () =>
      checkout(hostRunner, {
        repository: plan.checkout.repository,
        dir: plan.checkout.dir,
        workspace: plan.checkout.workspace,
        ref: plan.checkout.ref
      })
    )
    if (plan.lastStep === 'checkout') return r
    const ctx: Omit<WheelsContext, 'runner' | 'root'> = {
      plan: withSourceDateEpoch(withCheckoutBackend(plan), r.checkout.commitTime, host.env),
      timings,
      commit: r.checkout.commit,
      // The runner's own variables say whether GitHub's cache service is there (children never see them).
      cache: githubCache(host.env)
    }
    const built = await onExecutor(plan, host, hostRunner, (runner, root) =>
      buildWheels({ ...ctx, runner, root })
    )
    Object.assign(r, {
      wheels: built.wheels,
      failures: built.failures,
      compilerCache: built.compilerCache,
      cython: built.cython
    })
    const fatal = built.failures.find((f) => plan.failFast || f.python === 'all')
    if (fatal) throw fatal.error
    if (plan.lastStep === 'publish') {
      const source = { repository: plan.checkout.repository, ...r.checkout }
      r.provenance = await timings.time('provenance', () =>
        recordProvenance(plan, r.wheels, source, inputs.githubToken, host.env)
      )
      r.artifact = await timings.time('artifact', () =>
        uploadArtifact(
          plan.artifact,
          r.wheels.map((w) => w.path)
        )
      )
      try {
        r.publish = await timings.time('upload', () =>
          publish(plan.upload, tokenFor(plan.upload, inputs), r.wheels, host.temp)
        )
      } catch (err) {
        if (err instanceof PublishError) r.publish = err.result
        throw err
      }
    }
    throwIfFailed(plan, r)
  } finally {
    await report(r)
  }
  return r
}
