import type { AttentionItem } from '../messaging/protocol.ts';
import { t } from './i18n.ts';

/** Where an item is fixed: an options section. */
export type AttentionPlace = 'connections' | 'sources';

function describe(item: AttentionItem): { text: string; place: AttentionPlace } {
  switch (item.kind) {
    case 'connection-rejected':
      return {
        text:
          item.code === 'omnisend.invalid-api-key'
            ? t('attentionKeyRejected', item.name)
            : t('attentionKeyPermission', item.name),
        place: 'connections',
      };
    case 'sign-in-required':
      return { text: t('attentionSignIn', item.name), place: 'sources' };
    case 'access-required':
      return { text: t('attentionOrgAccess', item.name, item.host), place: 'sources' };
    case 'storage-full':
      return { text: t('attentionStorageFull'), place: 'sources' };
  }
}

const placeLabels = { connections: 'attentionOpenConnections', sources: 'popupOpenSources' } as const;

interface Props {
  items: readonly AttentionItem[];
  /** Goes to the place that fixes an item (a section link in Options, a new tab from the popup). */
  onOpen: (place: AttentionPlace) => void;
  /** 2 at the top of the popup, 3 inside an options section. */
  headingLevel?: 2 | 3;
}

/** "Needs attention": what stops exports until the user acts, each with the way to its fix. */
export function AttentionList({ items, onOpen, headingLevel = 2 }: Props) {
  if (items.length === 0) return null;
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <section class="attention" aria-labelledby="attention-title">
      <Heading id="attention-title">{t('attentionTitle')}</Heading>
      <ul>
        {items.map((item) => {
          const { text, place } = describe(item);
          return (
            <li
              key={
                'connectionId' in item ? item.connectionId : 'sourceId' in item ? item.sourceId : item.kind
              }
            >
              <p>{text}</p>
              <button type="button" class="secondary" onClick={() => onOpen(place)}>
                {t(placeLabels[place])}
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
