interface Props {
  title: string;
  body: string;
}

export function EmptyState({ title, body }: Props) {
  return (
    <div class="empty-state" role="status">
      <p class="empty-state__title">{title}</p>
      <p class="empty-state__body">{body}</p>
    </div>
  );
}
