import type { Handlers } from '../router.ts';
import type { PreviewJobs } from './preview-jobs.ts';

type PreviewHandlers = Pick<Handlers, 'exports.preview' | 'exports.previewStatus' | 'exports.previewCancel'>;

export function createPreviewHandlers(previews: PreviewJobs): PreviewHandlers {
  return {
    async 'exports.preview'(request) {
      return previews.start(request);
    },
    async 'exports.previewStatus'({ previewId }) {
      return previews.status(previewId);
    },
    async 'exports.previewCancel'({ previewId }) {
      previews.cancel(previewId);
      return { accepted: true };
    },
  };
}
