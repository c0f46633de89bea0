import {
  CircleAlert,
  createElement,
  Gift,
  LogOut,
  Map as MapIcon,
  RefreshCw,
  Search,
  Tag,
  TimerReset,
  User,
  WifiOff,
} from 'lucide';

const ICONS = {
  'alert': CircleAlert,
  'gift': Gift,
  'log-out': LogOut,
  'map': MapIcon,
  'refresh': RefreshCw,
  'search': Search,
  'tag': Tag,
  'timer': TimerReset,
  'user': User,
  'wifi-off': WifiOff,
};

// Icons are decorative: every one sits next to a text label.
export function icon(name, className = 'icon') {
  return createElement(ICONS[name], {
    'class': className,
    'aria-hidden': 'true',
    'focusable': 'false',
    'width': 24,
    'height': 24,
  });
}
