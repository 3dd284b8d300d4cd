// Small pieces shared by pages.
import type { ComponentChildren } from "preact";
import { useRef } from "preact/hooks";

import { stateLabel } from "./format";

// Status as icon plus word, never colour alone.
export function StateBadge({ state }: { state: string }) {
  const label = stateLabel(state);
  return (
    <span class={`state ${label.tone}`}>
      <span aria-hidden="true">{label.icon}</span> {label.text}
    </span>
  );
}

export interface TabSpec {
  id: string;
  label: ComponentChildren;
}

// WAI-ARIA tabs: arrow keys, Home and End move between tabs; the caller keeps the selected tab
// in the URL.
export function Tabs(props: { label: string; tabs: TabSpec[]; selected: string; onSelect: (id: string) => void; idPrefix: string }) {
  const list = useRef<HTMLDivElement>(null);
  const index = Math.max(0, props.tabs.findIndex((t) => t.id === props.selected));
  const move = (to: number) => {
    const n = props.tabs.length;
    const next = props.tabs[((to % n) + n) % n];
    props.onSelect(next.id);
    requestAnimationFrame(() => list.current?.querySelector<HTMLElement>(`#${props.idPrefix}-tab-${next.id}`)?.focus());
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const keys: Record<string, () => void> = {
      ArrowRight: () => move(index + 1),
      ArrowLeft: () => move(index - 1),
      Home: () => move(0),
      End: () => move(props.tabs.length - 1),
    };
    const action = keys[e.key];
    if (action) {
      e.preventDefault();
      action();
    }
  };
  return (
    <div class="tabs" role="tablist" aria-label={props.label} ref={list} onKeyDown={onKeyDown}>
      {props.tabs.map((t) => (
        <button
          key={t.id}
          type="button"
          role="tab"
          id={`${props.idPrefix}-tab-${t.id}`}
          aria-selected={t.id === props.tabs[index].id}
          aria-controls={`${props.idPrefix}-panel`}
          tabIndex={t.id === props.tabs[index].id ? 0 : -1}
          onClick={() => props.onSelect(t.id)}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}

export function Tile(props: { label: string; value: string; definition?: string }) {
  return (
    <div class="tile">
      <div class="tile-label">
        {props.label}
        {props.definition && (
          <span class="info" title={props.definition} aria-label={`Definition: ${props.definition}`} role="img">
            ⓘ
          </span>
        )}
      </div>
      <div class="tile-value">{props.value}</div>
      {props.definition && <div class="tile-def">{props.definition}</div>}
    </div>
  );
}
