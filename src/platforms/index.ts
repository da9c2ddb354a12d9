import { PLATFORM_NAMES, type PlatformName } from '../host.js'
import type { PlatformModule } from './common.js'
import { linux } from './linux.js'
import { macos } from './macos.js'
import { windows } from './windows.js'

export type { BuildRequest, PlatformModule, PythonSearch, RepairRequest, RunnerLayout } from './common.js'

const MODULES: Record<PlatformName, PlatformModule> = { linux, macos, windows }

export function platformModule(name: PlatformName): PlatformModule {
  return MODULES[name]
}

export { PLATFORM_NAMES }

/** The platform a name or one of its aliases (any case) spells; undefined for none. */
export function platformNamed(value: string): PlatformName | undefined {
  const v = value.toLowerCase()
  return PLATFORM_NAMES.find((n) => n === v || MODULES[n].aliases.includes(v))
}
