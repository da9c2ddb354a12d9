/**
 * The script the manylinux container runs, run here with bash on the host (Docker cannot run here): the
 * python path points at a host interpreter through the generator's pythonPath parameter. It must build
 * the dependency, build, repair (grafting libdwmath and libgomp) and test the fixture wheel.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { expect, it } from 'vitest'
import { versionDirs } from '../../src/container/script.js'
import { graftedLibraries, wheelsIn } from '../../src/util/wheel-file.js'
import { hostPython311, runFixtureScript, scriptFixture } from '../harness/container-script.js'

const python = hostPython311()

it.skipIf(!python)('the generated container script builds, repairs and tests the fixture', async () => {
  const s = scriptFixture('dw-script-')
  const r = await runFixtureScript(s, python!, { policy: undefined })
  const log = r.log
  expect(r.status, log.slice(-6000)).toBe(0)
  expect(log).toContain('::group::Dependency dwmath 1.0.0 (cmake)')
  expect(log).toMatch(/dwomp ok \(3, 11\) openmp \d+ threads 2/)
  const d = versionDirs(s.workDir, '3.11')
  expect(fs.existsSync(d.okFile)).toBe(true)
  const wheels = wheelsIn(d.repaired)
  expect(wheels).toHaveLength(1)
  expect(path.basename(wheels[0])).toMatch(/^dwomp-0\.1\.0-cp311-cp311-manylinux_2_\d+_x86_64\.whl$/)
  const libs = graftedLibraries(wheels[0])
  expect(libs.some((l) => /^dwomp\.libs\/libdwmath-[0-9a-f]{8}\.so/.test(l))).toBe(true)
  expect(libs.some((l) => /^dwomp\.libs\/libgomp-[0-9a-f]{8}\.so/.test(l))).toBe(true)
  expect(fs.readFileSync(d.timesFile, 'utf8')).toMatch(
    /^build 3\.11 \d+\nrepair 3\.11 \d+\ntest 3\.11 \d+\n$/
  )
})
