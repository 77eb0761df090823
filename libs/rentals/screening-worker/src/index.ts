export { ScreeningWorkerModule } from './screening-worker.module';
export { screeningWorkerConfig } from './screening-worker.config';
export { ScreeningService, type RecordedDecision } from './screening.service';
export {
  SCREENING_PROVIDER,
  type Applicant,
  type ScreeningProvider,
  type ScreeningRequest,
  type ScreeningResult,
} from './screening.provider';
export { SandboxScreeningProvider } from './sandbox-screening.provider';
