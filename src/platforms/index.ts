import type { PlatformName } from '../host.js'
import type { PlatformModule } from './common.js'
import { linux } from './linux.js'
import { macos } from './macos.js'
import { windows } from './windows.js'

export type { BuildRequest, PlatformModule, PythonSearch, RepairRequest } from './common.js'

const MODULES: Record<PlatformName, PlatformModule> = { linux, macos, windows }

export function platformModule(name: PlatformName): PlatformModule {
  return MODULES[name]
}
